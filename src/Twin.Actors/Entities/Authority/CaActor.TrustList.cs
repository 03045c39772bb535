using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.TrustCentre;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Trust;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// The trust centre's side of the trust-list model: it publishes a signed list of the CAs it accredits — and, while a partnership
/// lasts, its partners' — each at its security level, on a grid of the list interval counted from the Unix epoch (after the
/// authorities' own work at that instant, before relying parties fetch) and at once when a partner joins or leaves. A list names
/// every key a listed CA has published (current and previous), read from the plant's distribution point as the accreditation
/// record. Journaled (<c>tc.list-published</c>) before it is published where relying parties fetch it.
/// </summary>
public sealed partial class CaActor
{
    private const string ListKey = "tc-list";
    private const int ListPriority = 3;

    private bool PublishesList => _settings.IsTrustCentre && _settings.TrustList is not null;

    // At ready and after recovery: the last list goes back where relying parties fetch it, and the schedule goes on.
    private void StartListPublication()
    {
        if (!PublishesList) return;
        if (_state.ListCms is { } cms) _distribution?.PublishAssuranceList(Id.Value, cms);
        var due = _state.ListSequence == 0 ? _clock.Now : DeviceActor.NextPull(_clock.Now, _settings.TrustList!.Interval);
        WakeAt(due, new ListDue(), ListKey, priority: ListPriority);
    }

    private void OnListDue()
    {
        WakeAt(DeviceActor.NextPull(_clock.Now, _settings.TrustList!.Interval), new ListDue(), ListKey, priority: ListPriority);
        if (_ca is null || !_state.Reachable) return; // cut off: nothing is published, and relying parties' copies age
        Persist(ListEvent(_state, "schedule"), e =>
        {
            _state = _state.Apply(e);
            _distribution?.PublishAssuranceList(Id.Value, e.Cms);
        });
    }

    /// <summary>A partner joined or left: the change and the list it makes, journaled together, then the list is published.</summary>
    private void PersistPartnerChange(TrustCentrePartnerChanged change)
    {
        if (!PublishesList || _ca is null)
        {
            Persist(change, e => _state = _state.Apply(e));
            return;
        }
        var reason = $"partner {change.Partner} {(change.Joined ? "joined" : "left")}";
        PersistAll(new ITwinEvent[] { change, ListEvent(_state.Apply(change), reason) }, e =>
        {
            _state = _state.Apply(e);
            if (e is TrustCentreListPublished published) _distribution?.PublishAssuranceList(Id.Value, published.Cms);
        });
    }

    // The next list as the trust centre signs it in state <paramref name="state"/>: with deterministic randomness per sequence number.
    private TrustCentreListPublished ListEvent(CaState state, string reason)
    {
        var now = _clock.Now;
        var design = _settings.TrustList!;
        var sequence = state.ListSequence + 1;
        var list = new AssuranceTrustList(Id.Value, sequence, now.Utc, now.Utc + design.Validity, ListedIn(state));
        var cms = list.Sign(_ca!.Certificate, _vault.Load(state.KeyRef!), _entropy.For(Id, "trust-list", sequence));
        return new TrustCentreListPublished(_run, now, Id, sequence, now.Add(design.Validity), list.Lines, reason, cms);
    }

    private List<ListedCa> ListedIn(CaState state)
    {
        var view = _distribution?.View() ?? TrustView.Empty;
        var listed = new List<ListedCa>();
        foreach (var a in _settings.Accreditations.Where(a => a.TrustCentre == Id || state.Partners.Contains(a.TrustCentre.Value)))
            foreach (var entry in view.Entries.Where(e => e.Name == a.Ca.Value || e.Name.StartsWith(a.Ca.Value + "#", StringComparison.Ordinal)))
            {
                var certificate = Certificate.FromDer(entry.CaCertificate);
                listed.Add(new ListedCa(a.Ca.Value, certificate.Subject, AssuranceTrustList.KeyHashOf(certificate), a.Level));
            }
        return listed;
    }

    /// <summary>The clock's wake-up: the trust centre's next list is due.</summary>
    public sealed record ListDue;
}
