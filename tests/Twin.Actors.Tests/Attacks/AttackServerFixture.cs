using System.Security.Cryptography.X509Certificates;
using Twin.Actors.Attacks;
using Twin.OpcUa.Client;
using Twin.OpcUa.Security;
using Twin.OpcUa.Server;

namespace Twin.Actors.Tests.Attacks;

/// <summary>
/// A real OPC UA server on 127.0.0.1 with a trust list of two application certificates: an insider (trusted, no role) and an
/// administrator (trusted, SecurityAdmin by user name). Everything else — a self-signed rogue — is untrusted.
/// </summary>
internal sealed class AttackServerFixture : IAsyncDisposable, IAttackedServer
{
    public const string AdminUser = "secadmin", AdminPassword = "admin-password-for-tests";

    private AttackServerFixture(UaServerHost host, PkiCertificateValidator validator, X509Certificate2 server, X509Certificate2 insider, X509Certificate2 admin)
    {
        Host = host;
        Validator = validator;
        ServerCertificate = server;
        Insider = insider;
        Admin = admin;
    }

    public UaServerHost Host { get; }
    public PkiCertificateValidator Validator { get; }
    public X509Certificate2 ServerCertificate { get; }
    public X509Certificate2 Insider { get; }
    public X509Certificate2 Admin { get; }
    public string Url => Host.EndpointUrl;

    public static AttackServerFixture Start(bool offerNone = false)
    {
        var now = DateTimeOffset.UtcNow;
        var server = OpcUaAttacks.SelfSigned("pea-test", "urn:planttrust:test:pea", now);
        var insider = OpcUaAttacks.SelfSigned("pol-test", "urn:planttrust:test:pol", now);
        var admin = OpcUaAttacks.SelfSigned("gds-test", "urn:planttrust:test:gds", now);
        var validator = new PkiCertificateValidator();
        validator.AddTrusted(insider.RawData);
        validator.AddTrusted(admin.RawData);
        validator.AddTrusted(server.RawData);
        var options = new ServerOptions
        {
            ApplicationUri = "urn:planttrust:test:pea",
            Certificate = server,
            OfferNone = offerNone,
            CertificateValidator = validator,
            Users = [new UserAccount(AdminUser, AdminPassword, new HashSet<string> { Roles.SecurityAdmin })],
        };
        var host = UaServerHost.StartTcp(new AddressSpace("urn:planttrust:test:pea", "urn:planttrust:test:pea:services"), options);
        return new AttackServerFixture(host, validator, server, insider, admin);
    }

    /// <summary>Client options of a legitimate client of this server with <paramref name="identity"/>, trusting the server's certificate.</summary>
    public ClientOptions ClientOptions(X509Certificate2 identity)
    {
        var trust = new PkiCertificateValidator();
        trust.AddTrusted(ServerCertificate.RawData);
        return new ClientOptions
        {
            ApplicationUri = CertificateNames.UrisOf(identity)[0],
            Certificate = identity,
            ServerCertificateValidator = trust,
            AutoReconnect = false,
            RequestTimeout = TimeSpan.FromSeconds(20),
        };
    }

    /// <summary>A SecurityAdmin session over SignAndEncrypt, for reading the server's rejected list and trust list over OPC UA.</summary>
    public Task<ClientSession> AdminSessionAsync() =>
        ClientSession.ConnectAsync(Url, ClientOptions(Admin) with { User = (AdminUser, AdminPassword), SecurityMode = Twin.OpcUa.Messages.MessageSecurityMode.SignAndEncrypt });

    public IReadOnlyCollection<string> RejectedThumbprints => Validator.RejectedStore.Rejected.Select(c => c.Thumbprint).ToHashSet();

    public (bool Staged, DateTime LastUpdate) TrustListState => (Host.ServerConfiguration.HasStagedChanges, Host.ServerConfiguration.TrustListLastUpdateTime);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
