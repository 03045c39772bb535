using Akka.Event;
using System.Collections.Immutable;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Authority;

/// <summary>
/// Key changes of a CA without an outage: an issuing CA rolls over (its parent certifies a new key under the
/// same name; the old key keeps signing CRLs for what it issued until the last of those certificates expired or
/// was replaced), and a root updates its key with link certificates (<c>CaActor.RootKey.cs</c>).
/// </summary>
public sealed partial class CaActor
{
    // Open previous keys by generation: they sign CRLs, never certificates.
    private readonly SortedDictionary<int, CertificateAuthority> _previous = [];
    private PendingRekey? _rekey;

    private sealed record PendingRekey(string Cause, string KeyRef, ISigningKey Key, Action<object> Reply, TimeSpan? ReenrollAfter);

    private string PreviousKeyName(int generation) => $"{Id}#{generation}";

    private void RollOver(RollOverCa command)
    {
        var reply = ReplyChannel();
        if (Refuse(reply, "rollover")) return;
        StartRekey("rollover", reply, reenrollAfter: null);
    }

    private bool Refuse(Action<object> reply, string cause)
    {
        string? problem = _ca is null ? $"CA {Id} has no key and certificate yet."
            : _settings.Parent is null || _parent is null ? $"CA {Id} is a root: a {cause} needs a parent (a root updates its key instead)."
            : !_state.Reachable ? $"CA {Id} is unreachable."
            : _rekey is not null ? $"CA {Id} is already changing its key ({_rekey.Cause})."
            : null;
        if (problem is null) return false;
        _log.Warning("CA {0}: {1} refused: {2}", Id, cause, problem);
        reply(new CaLifecycleDone($"{cause} refused: {problem}", [], null));
        return true;
    }

    // The new key is generated inside the CA and certified by the parent with a CSR, as when the CA came into being.
    // The new key keeps the current key's algorithm unless a migration names another.
    private void StartRekey(string cause, Action<object> reply, TimeSpan? reenrollAfter, KeyAlgorithm? algorithm = null)
    {
        var generation = _state.Generation + 1;
        var (keyRef, key) = _vault.Generate(_run, Id, _settings.KeyStorage, algorithm ?? _ca!.Certificate.PublicKey.Algorithm, _entropy.For(Id, "ca-key", generation));
        _rekey = new PendingRekey(cause, keyRef, key, reply, reenrollAfter);
        var csr = CertificationRequest.Create(_settings.Subject, key, _entropy.For(Id, "ca-csr", generation));
        SendWork(_parent!, new IssueFromCsr(Id, csr.GetDer(), _settings.Profile, _settings.Validity), "ca-" + cause);
    }

    private void OnGranted(CertificateGranted granted)
    {
        if (_rekey is null) InstallOwnCertificate(granted);
        else CompleteRekey(granted);
    }

    private void OnRefused(CertificateRefused refused)
    {
        if (_rekey is { } pending)
        {
            _log.Warning("CA {0}: its parent refused the {1}: {2}", Id, pending.Cause, refused.Reason);
            _rekey = null;
            pending.Reply(new CaLifecycleDone($"{pending.Cause} refused: {refused.Reason}", [], null));
            return;
        }
        _log.Warning("CA {0}: its parent refused to certify it: {1}", Id, refused.Reason);
        WakeAt(_clock.Now.Add(RetryAfter), new Wake(), "wake", priority: WakePriority);
    }

    private void CompleteRekey(CertificateGranted granted)
    {
        var pending = _rekey!;
        var certificate = Certificate.FromDer(granted.CertificateDer);
        if (!certificate.PublicKey.Equals(pending.Key.PublicKey))
        {
            _log.Warning("CA {0}: ignored a certificate for a key it does not hold (serial {1}).", Id, certificate.SerialNumber);
            return;
        }
        _rekey = null;
        var now = _clock.Now;
        var generation = _state.Generation + 1;
        var events = new List<Protocol.ITwinEvent> { new CaRolledOver(_run, now, Id, generation, pending.Cause, pending.KeyRef, granted.CertificateDer, granted.IssuerCertificateDer) };
        ImmutableList<Model.EntityId> affected = [];
        Clock.SimInstant? reenrollAt = null;
        if (pending.ReenrollAfter is { } after)
        {
            affected = [.. _state.KeyHolders.Keys.Order(StringComparer.Ordinal).Select(k => new Model.EntityId(k))];
            reenrollAt = now.Add(after);
            events.Add(new CaCompromised(_run, now, Id, _ca!.Certificate.SerialNumber.Hex, affected, reenrollAt.Value));
        }
        RetireCurrent(new CertificateAuthority(certificate, pending.Key, DefaultRandom()));
        PersistWithCrl(events, e =>
        {
            if (e is CrlPublished) pending.Reply(new CaLifecycleDone(pending.Cause, affected, reenrollAt));
        });
    }

    // The current key becomes a previous one (still publishing what it has published so far); the successor
    // knows every serial ever issued under this name, so none is reused, and continues the CRL numbers.
    private void RetireCurrent(CertificateAuthority successor)
    {
        var old = _ca!;
        old.Retire();
        _previous[_state.Generation] = old;
        _distribution?.Publish(PreviousKeyName(_state.Generation), old.Certificate.GetDer(), old.Certificate.IsSelfSigned, _lastCrl);
        successor.RecordIssued(_state.Serials.ToSet());
        successor.RestoreCrlNumber(_state.CrlNumber);
        _ca = successor;
    }

    /// <summary>What each open previous key does at a scheduled CRL: close once nobody holds its certificates, else sign a CRL.</summary>
    private List<Protocol.ITwinEvent> PreviousKeyWork()
    {
        var now = _clock.Now;
        var events = new List<Protocol.ITwinEvent>();
        foreach (var key in _state.PreviousKeys.Where(k => !k.Closed))
        {
            if (!_previous.TryGetValue(key.Generation, out var ca)) continue;
            if (key.Holders.Values.All(notAfter => notAfter <= now.Utc))
            {
                events.Add(new PreviousKeyClosed(_run, now, Id, key.Generation));
                // Its overlap is over: nothing signs with it again, so the CA destroys it (journaled first, see OnPreviousKeyEvent).
                events.Add(new KeyDestroyed(_run, now, Id, key.KeyRef, $"previous key {key.Generation} closed: none of its certificates is in service any more"));
                continue;
            }
            var crl = ca.IssueCrl(now.Utc, now.Utc + _settings.CrlValidity, _entropy.For(Id, $"crl-{key.Generation}", ca.LastCrlNumber + 1));
            events.Add(new PreviousKeyCrlPublished(_run, now, Id, key.Generation, crl.CrlNumber ?? 0, crl.GetDer()));
        }
        return events;
    }

    private void OnPreviousKeyEvent(Protocol.ITwinEvent e)
    {
        switch (e)
        {
            case PreviousKeyCrlPublished p when _previous.TryGetValue(p.Generation, out var ca):
                _distribution?.Publish(PreviousKeyName(p.Generation), ca.Certificate.GetDer(), ca.Certificate.IsSelfSigned, p.CrlDer);
                break;
            case PreviousKeyClosed c:
                _previous.Remove(c.Generation);
                _distribution?.Withdraw(PreviousKeyName(c.Generation));
                break;
            case KeyDestroyed d:
                _vault.Destroy(d.KeyRef);
                break;
        }
    }

    /// <summary>A revocation of a certificate an open previous key issued goes on that key's CRL, published at once.</summary>
    private bool TryRevokeUnderPreviousKey(RevokeCertificate command, Action<object> reply)
    {
        if (_state.PreviousKeyOf(command.Serial) is not { Closed: false } key || !_previous.TryGetValue(key.Generation, out var ca)) return false;
        var now = _clock.Now;
        SerialNumber serial;
        try
        {
            serial = SerialNumber.Parse(command.Serial);
            ca.Revoke(serial, command.Reason, now.Utc);
        }
        catch (PkiException e)
        {
            reply(new RevocationRefused(command.Serial, e.Message));
            return true;
        }
        var crl = ca.IssueCrl(now.Utc, now.Utc + _settings.CrlValidity, _entropy.For(Id, $"crl-{key.Generation}", ca.LastCrlNumber + 1));
        var published = new PreviousKeyCrlPublished(_run, now, Id, key.Generation, crl.CrlNumber ?? 0, crl.GetDer());
        PersistAll(new Protocol.ITwinEvent[] { new CertificateRevoked(_run, now, Id, serial.Hex, command.Reason, command.Requester), published }, e =>
        {
            _state = _state.Apply(e);
            OnPreviousKeyEvent(e);
            if (e is PreviousKeyCrlPublished p) reply(new RevocationDone(serial.Hex, p.Number));
        });
        return true;
    }

    // After recovery: every open previous key signs CRLs again, with its own revocations and CRL numbers. A closed one is
    // destroyed again: a kill after its closing was journaled but before the store forgot it leaves nothing behind (idempotent).
    private void RestorePreviousKeys()
    {
        foreach (var closed in _state.PreviousKeys.Where(k => k.Closed)) _vault.Destroy(closed.KeyRef);
        foreach (var key in _state.PreviousKeys.Where(k => !k.Closed))
        {
            var ca = new CertificateAuthority(Certificate.FromDer(key.CertificateDer), _vault.Load(key.KeyRef), DefaultRandom());
            ca.RecordIssued(_state.Serials.ToSet(key.Generation));
            foreach (var r in _state.Revocations.Where(r => _state.Serials.GenerationOf(r.Serial) == key.Generation))
                ca.Revoke(SerialNumber.Parse(r.Serial), r.Reason, r.At.Utc);
            ca.RestoreCrlNumber(key.CrlNumber);
            ca.Retire();
            _previous[key.Generation] = ca;
            _distribution?.Publish(PreviousKeyName(key.Generation), key.CertificateDer, ca.Certificate.IsSelfSigned, _previousCrls.GetValueOrDefault(key.Generation));
        }
    }

    private readonly Dictionary<int, byte[]> _previousCrls = [];

    private void RecoverPreviousCrl(Protocol.ITwinEvent e)
    {
        if (e is PreviousKeyCrlPublished p) _previousCrls[p.Generation] = p.CrlDer;
        // The key's last CRL under the current name, until the previous key signs its own.
        if (e is CaRolledOver or RootKeyUpdated && _lastCrl is { } last) _previousCrls[_state.Generation] = last;
    }
}
