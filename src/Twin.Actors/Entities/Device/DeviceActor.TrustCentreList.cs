using Twin.Actors.Entities.TrustCentre;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Device;

/// <summary>
/// A relying party in the trust-list model: it fetches its trust centre's signed list on a grid counted from the Unix epoch (at
/// start, and after a restart, at once), checks the CMS signature against the trust centre's certificate, the list's issuer, its
/// sequence (never older than the list it holds) and its next update, and from then on its validator anchors only on the listed
/// CAs at the required level or above. A list that fails leaves the held one in force until that one's next update; past it,
/// nothing is an anchor and every peer is refused (BadCertificateUntrusted). The outcome is journaled when it changes.
/// </summary>
public sealed partial class DeviceActor
{
    private const string ListFetchKey = "tc-list-fetch";
    private volatile HeldList? _heldList; // set on the actor's thread, read by validators on the stack's threads
    private (long Sequence, string? Problem)? _lastListOutcome;

    /// <summary>A checked list and the anchors it gives: the keys of listed CAs at the required level or above.</summary>
    private sealed record HeldList(AssuranceTrustList List, IReadOnlySet<string> Anchors);

    private bool FetchesTrustCentreList => _settings.TrustCentreList is not null && _settings.TrustAnchor is not null && IsRelyingParty && _runtime is not null;

    private void TrustCentreListBehaviour()
    {
        Recover<DeviceTrustCentreListFetched>(e => _lastListOutcome = (e.Sequence, e.Problem));
        Command<TrustCentreListDue>(_ => FetchTrustCentreList());
    }

    private void StartTrustCentreListFetches()
    {
        if (FetchesTrustCentreList) WakeAt(_clock.Now, new TrustCentreListDue(), ListFetchKey, priority: 4);
    }

    /// <summary>For the validator: the anchors of the held list while it is current; null (no anchor at all) before the first list and after it lapsed.</summary>
    private Func<IReadOnlySet<string>?>? TrustCentreAnchors => _settings.TrustCentreList is null
        ? null
        : () => _heldList is { } held && _clock.Now.Utc <= held.List.NextUpdate ? held.Anchors : null;

    private void FetchTrustCentreList()
    {
        var now = _clock.Now;
        var design = _settings.TrustCentreList!;
        WakeAt(NextPull(now, _settings.TrustListPull ?? design.Interval), new TrustCentreListDue(), ListFetchKey, priority: 4);
        var centre = _settings.TrustAnchor!.Value;
        var held = _heldList;
        var check = Check(centre, now, held?.List.Sequence ?? 0);
        if (check.List is { } list) _heldList = held = new HeldList(list, list.AnchorsAtLeast(design.RequiredLevel));
        var outcome = (check.List?.Sequence ?? held?.List.Sequence ?? 0, check.Problem);
        if (_lastListOutcome == outcome) return;
        List<string> anchors = held is null ? [] : held.List.Cas.Where(c => c.Level >= design.RequiredLevel).Select(c => $"{c.Id}={c.Level}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Persist(new DeviceTrustCentreListFetched(_run, now, Id, centre, outcome.Item1, anchors, check.Problem), e => _lastListOutcome = (e.Sequence, e.Problem));
    }

    private ListCheck Check(Model.EntityId centre, Clock.SimInstant now, long heldSequence)
    {
        var distribution = _runtime!.Distribution;
        if (distribution.AssuranceList(centre.Value) is not { } cms) return new ListCheck(null, $"trust centre {centre} has published no list");
        var entry = distribution.View().Entries.FirstOrDefault(e => e.Name == centre.Value);
        if (entry is null) return new ListCheck(null, $"the certificate of trust centre {centre} is not published");
        return AssuranceTrustList.Verify(cms, Certificate.FromDer(entry.CaCertificate), centre.Value, now.Utc, heldSequence);
    }

    /// <summary>The clock's wake-up: fetch the trust centre's list again.</summary>
    public sealed record TrustCentreListDue;
}
