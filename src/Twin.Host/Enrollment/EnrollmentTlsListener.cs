using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Twin.Actors.Control;
using Twin.Actors.Plant;

namespace Twin.Host.Enrollment;

/// <summary>
/// The enrollment listener: its own Kestrel server on 127.0.0.1 (Twin:Est:Port) speaking HTTPS only, with a TLS server certificate
/// issued by the twin's default domain CA, asking every client for a certificate but leaving the verdict to the endpoints, which
/// judge it against the plant's PKI at simulated now. It serves EST, BRSKI and — when the run has operator domains — CMP
/// (RFC 6712 over TLS, the same routes as on the dashboard's HTTP listener), and nothing else.
/// </summary>
public sealed class EnrollmentTlsListener(IEstBackend backend, EstOptions options, IServiceProvider services) : IHostedService, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private WebApplication? _app;
    // The TLS identity built for each name a client asked for ("" for the listener's own), rebuilt when its certificate changes.
    private readonly Dictionary<string, (Twin.Pki.Certificates.Certificate Certificate, SslStreamCertificateContext Context)> _contexts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where the listener listens (https://127.0.0.1:PORT), once started.</summary>
    public Uri? Address { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(backend);
        var spec = services.GetService<PlantSpec>();
        if (spec is not null)
        {
            // CMP asks the registrars of the live twin: the same plant and control interface the host's own listener uses.
            builder.Services.AddSingleton(spec);
            builder.Services.AddSingleton(_ => services.GetRequiredService<ITwinControl>());
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 256 * 1024;
            k.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = connection => ServerOptionsAsync(connection.ClientHelloInfo.ServerName, connection.CancellationToken),
            }));
        });
        var app = builder.Build();
        app.MapEst();
        app.MapBrski();
        app.MapBrskiDomains();
        if (spec is not null) app.MapCmp();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new IOException($"The enrollment listener cannot listen on 127.0.0.1:{options.Port} (Twin:Est:Port): {e.Message}", e);
        }
        _app = app;
        Address = new Uri(app.Urls.First());
        Console.WriteLine($"PlantTrust enrollment (EST, BRSKI{(spec is not null ? ", CMP" : "")}): {Address}");
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        _app = null;
    }

    // SNI: a client naming an operator domain sees that domain's registrar certificate (RFC 8995 §5.1, the certificate its pledge
    // pins); any other name, or none, sees the listener's own.
    private async ValueTask<SslServerAuthenticationOptions> ServerOptionsAsync(string? serverName, CancellationToken cancellationToken)
    {
        var domain = await backend.DomainTlsCredentialAsync(serverName, cancellationToken);
        var credential = domain ?? await backend.RegistrarCredentialAsync(cancellationToken);
        var name = domain is null ? "" : credential.Certificate.Subject; // one entry a registrar, whatever names reach it
        SslStreamCertificateContext context;
        lock (_gate)
        {
            if (_contexts.TryGetValue(name, out var cached) && cached.Certificate.Equals(credential.Certificate))
            {
                context = cached.Context;
            }
            else
            {
                // The key stays in this process's memory: an ephemeral handle, never written to disk.
                using var leaf = X509Certificate2.CreateFromPem(credential.Certificate.ToPem(), credential.Key.ExportPkcs8Pem());
                var intermediates = new X509Certificate2Collection();
                foreach (var c in credential.Chain.Where(c => !c.IsSelfSigned)) intermediates.Add(X509CertificateLoader.LoadCertificate(c.GetDer()));
                context = SslStreamCertificateContext.Create(X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null), intermediates, offline: true);
                _contexts[name] = (credential.Certificate, context);
            }
        }
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = context,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            // Ask for a client certificate; accept any at the TLS layer so that /cacerts works without one and a refusal is an
            // HTTP answer with a reason. The endpoints validate the certificate against the plant's PKI at simulated now.
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = JudgedByTheEndpoints,
        };
    }

    // A missing certificate or one from a CA the operating system does not know is the normal case here; the endpoints refuse
    // with a reason after validating against the plant's PKI. Only a certificate the TLS layer cannot process at all is dropped.
    private static bool JudgedByTheEndpoints(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        (errors & ~(SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateChainErrors)) == SslPolicyErrors.None;
}
