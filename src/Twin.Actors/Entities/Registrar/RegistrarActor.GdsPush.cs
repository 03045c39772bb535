using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Messages;

namespace Twin.Actors.Entities.Registrar;

// The GDS as push management client (OPC 10000-12 §7.10): real SignAndEncrypt sessions to the managed PEA servers, signed in with
// the GDS's certificate as X.509 user (the only identity a managed server grants SecurityAdmin).
public sealed partial class RegistrarActor
{
    private const int PushParallel = 4;
    private static readonly TimeSpan PushStagger = TimeSpan.FromMilliseconds(5);

    private ClientOptions GdsClientOptions() => new()
    {
        ApplicationUri = GdsUri,
        ApplicationName = $"GDS {_settings.Domain}",
        Certificate = _gdsIdentity,
        UserCertificate = _gdsIdentity,
        ServerCertificateValidator = new Trust.PlantCertificateValidator(_runtime.Distribution, _clock),
        Time = new Clock.SimTimeProvider(_clock),
        ReceiveSpin = TimeSpan.Zero, // the twin's sessions leave the CPUs to its actors
        AutoReconnect = false,
        RequestTimeout = TimeSpan.FromSeconds(30),
        SecurityMode = Twin.OpcUa.Messages.MessageSecurityMode.SignAndEncrypt,
    };

    private static ApplicationRecord RecordOf(GdsManagedServer server, string url) =>
        new(NodeId.Null, server.ApplicationUri, ApplicationType.Server, [new LocalizedText("en", server.Id.Value)], "urn:planttrust:pea", [url], ["NA"]);

    // Trust list (with the CA's CRL) first, then CreateSigningRequest (a new key in the server's key store), the CA signs,
    // UpdateCertificate, ApplyChanges. The server journals what it applied; the GDS learns the new certificate from it.
    private Func<Task<GdsJobDone>> PushRenewalAsync(GdsManagedServer server, string url)
    {
        var backend = _gdsBackend!;
        var options = GdsClientOptions();
        var what = "renewal of " + server.Id;
        return async () =>
        {
            try
            {
                await using var session = await ClientSession.ConnectAsync(url, options).ConfigureAwait(false);
                var record = RecordOf(server, url);
                await new PushManagementClient(session).PushAsync(backend.TrustList(),
                    async (csr, ct) => (await backend.SignAsync(record, csr, ct).ConfigureAwait(false)).Certificate, [backend.IssuerCertificate()]).ConfigureAwait(false);
                return new GdsJobDone(what, null, null);
            }
            catch (Exception e) when (e is UaException or IOException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                return new GdsJobDone(what, server.Id, e.Message);
            }
        };
    }

    // The CA published (a CRL, a new certificate): every managed server that serves now gets the trust list, staggered.
    private Func<Task<GdsJobDone>> PushTrustListsJob()
    {
        var backend = _gdsBackend!;
        var options = GdsClientOptions();
        var servers = _settings.GdsServers;
        var endpoints = _runtime.Endpoints;
        return async () =>
        {
            var targets = servers.Select(s => (s.Id, Url: endpoints.GetValueOrDefault(s.Id.Value))).Where(t => t.Url is not null).Select(t => (t.Id, Url: t.Url!)).ToList();
            var trustList = backend.TrustList();
            var results = await PushManagementClient.PushAllAsync(targets, async (t, ct) =>
            {
                await using var session = await ClientSession.ConnectAsync(t.Url, options, ct).ConfigureAwait(false);
                var client = new PushManagementClient(session);
                await client.WriteTrustListAsync(trustList, ct).ConfigureAwait(false);
                await client.ApplyChangesAsync(ct).ConfigureAwait(false);
            }, PushParallel, PushStagger).ConfigureAwait(false);
            var failed = results.Where(r => r.Value is not null).Select(r => $"{r.Key.Id}: {r.Value!.Message}").ToList();
            return new GdsJobDone("trust list", null, failed.Count == 0 ? null : string.Join("; ", failed));
        };
    }
}
