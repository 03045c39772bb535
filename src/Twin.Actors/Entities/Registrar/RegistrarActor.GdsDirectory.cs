using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Messages;

namespace Twin.Actors.Entities.Registrar;

// The GDS directory kept in the registrar's journal: registrations, deliveries and revocations (reg.gds-registered.v1 ...) are
// journaled as the directory tells them — the OPC UA call answers only after the write — and handed back to the directory when the
// GDS starts again; each signing request is
// journaled before the CA hears of it, so that an application that recovered and sends the very same request again gets the
// certificate the CA already issued for it rather than a second one.
public sealed partial class RegistrarActor
{
    private static readonly TimeSpan GdsJournalTimeout = TimeSpan.FromSeconds(30);

    private void GdsDirectoryBehaviour()
    {
        Command<GdsDirectoryChanged>(c => JournalDirectoryChange(c.Change, Sender));
        Command<RecordGdsSigning>(RecordSigning);
    }

    // ApplicationIds named by the GDS, the application's URI and its how-manieth record: a rerun with the same seed registers the same ids.
    private Func<string, int, Guid> ApplicationIds()
    {
        var gds = GdsUri;
        return (uri, generation) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{gds}|{uri}|{generation}")).AsSpan(0, 16));
    }

    // On the calling OPC UA thread: counted work until the change is journaled (the caller's own work keeps the clock meanwhile); the
    // task completes once it is, and only then does the directory answer the call.
    private Func<GdsDirectoryChange, CancellationToken, Task> DirectoryChanges()
    {
        var self = Self;
        var work = Work;
        return (change, ct) =>
        {
            work.Begin(GdsLabel);
            return self.Ask<GdsChangeJournaled>(new GdsDirectoryChanged(change), GdsJournalTimeout, ct);
        };
    }

    private Func<ApplicationRecord, byte[], CancellationToken, Task<SimInstant?>> SigningJournal()
    {
        var self = Self;
        return async (record, csr, ct) =>
            (await self.Ask<GdsSigningRecorded>(new RecordGdsSigning(record.ApplicationUri, Convert.ToHexStringLower(SHA256.HashData(csr))), GdsJournalTimeout, ct).ConfigureAwait(false)).FirstSentAt;
    }

    private void JournalDirectoryChange(GdsDirectoryChange change, IActorRef caller)
    {
        var now = _clock.Now;
        Protocol.ITwinEvent? e = change switch
        {
            GdsApplicationRegistered r when Changed(r) => new RegistrarGdsApplicationRegistered(_run, now, Id, Key(r.ApplicationId), r.Generation, r.Record.ApplicationUri,
                r.Record.ApplicationType.ToString(), [.. r.Record.ApplicationNames.Select(n => new GdsApplicationName(n.Locale, n.Text ?? ""))], r.Record.ProductUri ?? "",
                [.. r.Record.DiscoveryUrls], [.. r.Record.ServerCapabilities], [.. r.CertificateGroups.Select(g => g.ToString())], r.TrustList.ToString()),
            GdsApplicationUnregistered u => new RegistrarGdsApplicationUnregistered(_run, now, Id, Key(u.ApplicationId), u.ApplicationUri),
            GdsCertificateDelivered d when !DeliveredBefore(d) => new RegistrarGdsCertificateDelivered(_run, now, Id, Key(d.ApplicationId), d.Certificate),
            GdsCertificateRevoked v => new RegistrarGdsCertificateRevoked(_run, now, Id, Key(v.ApplicationId), v.Certificate),
            _ => null,
        };
        if (e is null)
        {
            Work.Done(GdsLabel);
            caller.Tell(GdsChangeJournaled.Instance);
        }
        else JournalGds(e, () =>
        {
            Work.Done(GdsLabel);
            caller.Tell(GdsChangeJournaled.Instance);
        });
    }

    // A registration worth journaling: new, or changed in more than a discovery URL's port (a restarted server listens on a new one).
    private bool Changed(GdsApplicationRegistered r)
    {
        if (!_state.GdsApplications.TryGetValue(Key(r.ApplicationId), out var known)) return true;
        var k = known.Registration;
        return k.ApplicationUri != r.Record.ApplicationUri || k.ApplicationType != r.Record.ApplicationType.ToString() || k.ProductUri != (r.Record.ProductUri ?? "")
            || !k.ApplicationNames.SequenceEqual(r.Record.ApplicationNames.Select(n => new GdsApplicationName(n.Locale, n.Text ?? "")))
            || !k.ServerCapabilities.SequenceEqual(r.Record.ServerCapabilities, StringComparer.Ordinal)
            || !k.DiscoveryUrls.Select(RunDigest.WithoutPorts).SequenceEqual(r.Record.DiscoveryUrls.Select(RunDigest.WithoutPorts), StringComparer.Ordinal);
    }

    // The same certificate handed out again (a repeated request after a kill, answered by the CA as before): journaled once.
    private bool DeliveredBefore(GdsCertificateDelivered d) =>
        _state.GdsApplications.TryGetValue(Key(d.ApplicationId), out var app) && app.Current is { } current && current.AsSpan().SequenceEqual(d.Certificate);

    private void RecordSigning(RecordGdsSigning request)
    {
        var reply = Sender;
        if (_state.GdsRequests.TryGetValue(request.ApplicationUri, out var seen) && seen.Digest == request.Digest)
        {
            reply.Tell(new GdsSigningRecorded(seen.At)); // sent before: a repeat, first sent then
            return;
        }
        JournalGds(new RegistrarGdsSigningRequested(_run, _clock.Now, Id, request.ApplicationUri, request.Digest), () => reply.Tell(new GdsSigningRecorded(null)));
    }

    // The state moves on at once (a second identical request is a repeat even before the first is stored); the answer waits for the journal.
    private void JournalGds(Protocol.ITwinEvent e, Action then)
    {
        _state = _state.Apply(e);
        _writing++;
        PersistAsync(e, _ =>
        {
            _writing--;
            then();
        });
    }

    // What the journal holds, as the directory's registrations (ApplicationIds in the directory's GDS namespace).
    private static void RestoreDirectory(GdsDirectory directory, RegistrarState state)
    {
        var ns = directory.NamespaceIndex;
        directory.Restore(state.GdsApplications.Values.OrderBy(a => a.Registration.ApplicationId, StringComparer.Ordinal).Select(a =>
        {
            var r = a.Registration;
            var record = new ApplicationRecord(new NodeId(Guid.Parse(r.ApplicationId), ns), r.ApplicationUri, Enum.Parse<ApplicationType>(r.ApplicationType),
                [.. r.ApplicationNames.Select(n => new LocalizedText(n.Locale, n.Text))], r.ProductUri, r.DiscoveryUrls, r.ServerCapabilities);
            return new GdsRegistration(record, r.Generation, a.Current);
        }), state.GdsGenerations);
    }

    private static string Key(NodeId applicationId) =>
        applicationId.GuidId is { } g ? g.ToString("D") : throw new InvalidOperationException($"The GDS named application {applicationId} by a non-Guid NodeId.");

    private sealed record GdsDirectoryChanged(GdsDirectoryChange Change);

    private sealed record GdsChangeJournaled
    {
        public static GdsChangeJournaled Instance { get; } = new();
    }

    /// <summary>Asked by the GDS backend before it forwards a signing request to the CA.</summary>
    private sealed record RecordGdsSigning(string ApplicationUri, string Digest);

    private sealed record GdsSigningRecorded(SimInstant? FirstSentAt);
}
