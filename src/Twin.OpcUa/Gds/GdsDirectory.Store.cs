using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Gds;

/// <summary>
/// A change to a <see cref="GdsDirectory"/>'s registrations, told to <see cref="GdsOptions.Changed"/> before the call that made it
/// answers, so that whoever runs the GDS can keep the directory across restarts and hand it back through <see cref="GdsDirectory.Restore"/>.
/// </summary>
public abstract record GdsDirectoryChange(NodeId ApplicationId);

/// <summary>RegisterApplication or UpdateApplication: the record as the directory now holds it (<paramref name="Generation"/>: the how-manieth record of its URI).</summary>
public sealed record GdsApplicationRegistered(ApplicationRecord Record, int Generation, IReadOnlyList<NodeId> CertificateGroups, NodeId TrustList) : GdsDirectoryChange(Record.ApplicationId);

/// <summary>UnregisterApplication.</summary>
public sealed record GdsApplicationUnregistered(NodeId ApplicationId, string ApplicationUri) : GdsDirectoryChange(ApplicationId);

/// <summary>FinishRequest handed the application a certificate (DER): its current one in the DefaultApplicationGroup from now on.</summary>
public sealed record GdsCertificateDelivered(NodeId ApplicationId, byte[] Certificate) : GdsDirectoryChange(ApplicationId);

/// <summary>RevokeCertificate revoked the application's current certificate: it has none from now on.</summary>
public sealed record GdsCertificateRevoked(NodeId ApplicationId, byte[] Certificate) : GdsDirectoryChange(ApplicationId);

/// <summary>
/// What a directory knew of one application, to restore it: its record and its current certificate (null: none, or revoked);
/// <paramref name="Generation"/> as in <see cref="GdsApplicationRegistered"/>.
/// </summary>
public sealed record GdsRegistration(ApplicationRecord Record, int Generation, byte[]? Certificate);

public sealed partial class GdsDirectory
{
    // How many records each ApplicationUri has had (an unregistered one counts): the input of GdsOptions.NewApplicationId.
    private readonly Dictionary<string, int> _generations = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads registrations a previous incarnation of this GDS told <see cref="GdsOptions.Changed"/>, before any client calls:
    /// applications keep their ApplicationIds (NodeIds in <see cref="NamespaceIndex"/>) and current certificates.
    /// <paramref name="generations"/> carries the counts of URIs whose records were all unregistered.
    /// </summary>
    public void Restore(IEnumerable<GdsRegistration> registrations, IReadOnlyDictionary<string, int>? generations = null)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        lock (_sync)
        {
            foreach (var (uri, count) in generations ?? new Dictionary<string, int>()) _generations[uri] = Math.Max(count, _generations.GetValueOrDefault(uri));
            foreach (var r in registrations)
            {
                if (r.Record.ApplicationId is null || r.Record.ApplicationId.IsNull)
                    throw new ArgumentException($"The registration of {r.Record.ApplicationUri} has no ApplicationId.", nameof(registrations));
                if (_applications.Count >= _gds.MaxApplications && !_applications.ContainsKey(r.Record.ApplicationId))
                    throw new InvalidOperationException($"Restoring {r.Record.ApplicationUri} would exceed MaxApplications ({_gds.MaxApplications}).");
                _applications[r.Record.ApplicationId] = new Registered(r.Record) { Generation = r.Generation, Certificate = r.Certificate };
                _generations[r.Record.ApplicationUri] = Math.Max(r.Generation, _generations.GetValueOrDefault(r.Record.ApplicationUri));
            }
        }
    }

    private NodeId NewApplicationId(string applicationUri, out int generation)
    {
        generation = _generations.GetValueOrDefault(applicationUri) + 1;
        _generations[applicationUri] = generation;
        return new NodeId(_gds.NewApplicationId?.Invoke(applicationUri, generation) ?? Guid.NewGuid(), _ns);
    }

    // The change recorded before the call answers; a recorder that fails (or gives up) fails the call with BadInternalError.
    private async Task RecordAsync(GdsDirectoryChange change)
    {
        if (_gds.Changed is not { } changed) return;
        try { await changed(change, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception e) when (e is not UaException)
        {
            throw new UaException(StatusCodes.BadInternalError, $"The directory could not record the change for {change.ApplicationId}: {e.Message}");
        }
    }

    private GdsApplicationRegistered Registration(ApplicationRecord record, int generation) =>
        new(record, generation, [DefaultApplicationGroup], Id(GdsDirectoryIds.TrustList));
}
