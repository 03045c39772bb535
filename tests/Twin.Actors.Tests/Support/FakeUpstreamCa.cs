using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Twin.Actors.Entities.Registrar;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Support;

/// <summary>
/// An upstream CA behind the transport: checks the RA's MAC, certifies the requested key and answers MAC-protected — with implicit
/// confirmation when the request asks for it, else awaiting a certConf, which it answers with pkiConf (RFC 9483 §4.1.1), also when
/// the certConf comes again for a transaction it confirmed already (a repeat). The very same bytes again are a retransmission (RFC 9483 §3.5): answered as the first time, nothing issued twice.
/// A p10cr signed by the RA (EST in, CMP out) is certified too, and answered MAC-protected with the shared secret.
/// <see cref="HoldNext"/> keeps the next request's answer back until <see cref="Release"/>, for a test that stops the RA meanwhile.
/// </summary>
public sealed class FakeUpstreamCa(string name, string secret) : ICmpTransport
{
    private static readonly DateTimeOffset Since = DateTimeOffset.Parse("2029-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly CertificateAuthority _ca = CertificateAuthority.CreateRoot(name,
        KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(7, "upstream-key")), Since, Since.AddYears(20), PkiRandom.SimulationOnlySeeded(7, "upstream-root"));
    private readonly ConcurrentDictionary<string, byte[]> _answered = new(StringComparer.Ordinal);
    private TaskCompletionSource? _gate;

    /// <summary>Every request that reached the upstream, in order.</summary>
    public ConcurrentQueue<byte[]> Arrived { get; } = new();

    public List<byte[]> Received => [.. Arrived];

    public TaskCompletionSource FirstArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when a certConf first reaches the upstream.</summary>
    public TaskCompletionSource CertConfArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Transactions (hex) whose certificate a certConf accepted, with how many certConfs came for each.</summary>
    public ConcurrentDictionary<string, int> Confirmed { get; } = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, byte[]> _issued = new(StringComparer.Ordinal); // transaction -> certificate awaiting certConf

    public void HoldNext() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release()
    {
        _held?.TrySetResult();
        _gate?.TrySetResult();
    }

    private TaskCompletionSource? _held; // the gate a request is waiting at now

    public async Task<byte[]> ExchangeAsync(Uri url, byte[] der, CancellationToken cancellation)
    {
        Arrived.Enqueue(der);
        FirstArrived.TrySetResult();
        var body = CmpMessage.Decode(der).BodyType;
        if (body == CmpBodyType.CertConf) CertConfArrived.TrySetResult();
        var gate = Interlocked.Exchange(ref _gate, null);
        if (gate is not null)
        {
            _held = gate;
            await gate.Task.ConfigureAwait(false);
        }
        var digest = Convert.ToHexStringLower(SHA256.HashData(der));
        if (_answered.TryGetValue(digest, out var repeat)) return repeat;
        var request = CmpMessage.Decode(der);
        var shared = Encoding.UTF8.GetBytes(secret);
        var random = PkiRandom.SimulationOnlySeeded(BitConverter.ToInt64(SHA256.HashData(der)), "upstream-answer");
        // A signed request (the RA's own p10cr for an EST client) is answered with a MAC under the shared secret, as openssl's mock does.
        var signed = request.Protection == CmpProtectionKind.Signature;
        var protector = signed ? CmpProtector.PasswordBasedMac(request.Header.SenderKid ?? [], shared, random, mac: CmpMacAlgorithm.HmacSha256) : CmpProtector.MacLike(request, shared, random);
        var from = new CmpSender(name, protector, request.Header.MessageTime ?? Since, random);
        var authentic = signed ? request.ProtectionCertificate is { } signer && request.VerifySignature(signer.PublicKey) : request.VerifyMac(shared);
        if (!authentic) return CmpReplies.Error(request, from, CmpFailure.BadMessageCheck, "the RA's protection does not verify");
        if (request.BodyType == CmpBodyType.CertConf) return Confirm(request, from);
        string subject;
        PublicKey key;
        int certReqId;
        if (request.BodyType == CmpBodyType.P10cr)
        {
            var csr = request.P10Request();
            (subject, key, certReqId) = (csr.Subject, csr.PublicKey, 0);
        }
        else
        {
            var wanted = Assert.Single(request.CertRequests());
            (subject, key, certReqId) = (wanted.Subject!, wanted.PublicKey!, wanted.CertReqId);
        }
        var at = request.Header.MessageTime ?? Since;
        var issued = _ca.Issue(new IssuanceRequest(subject, key, CertificateProfile.LDevId, at, at.AddDays(30)), random);
        if (!request.Header.ImplicitConfirm) _issued[request.Header.TransactionHex] = issued.GetDer();
        return _answered.GetOrAdd(digest, CmpReplies.Certificate(request, from, certReqId, issued, [_ca.Certificate], implicitConfirm: request.Header.ImplicitConfirm, [_ca.Certificate]));
    }

    // A certConf for a certificate of one of our transactions: pkiConf, the first time and for every repeat (RFC 9483 §4.1.1, §3.5).
    private byte[] Confirm(CmpMessage request, CmpSender from)
    {
        var tid = request.Header.TransactionHex;
        if (!_issued.TryGetValue(tid, out var certificateDer)) return CmpReplies.Error(request, from, CmpFailure.BadRequest, $"no certificate of transaction {tid} awaits confirmation");
        var status = Assert.Single(request.Confirmations());
        if (!status.CertHash.AsSpan().SequenceEqual(CertHash.Of(Certificate.FromDer(certificateDer), status.HashAlgorithmOid)))
            return CmpReplies.Error(request, from, CmpFailure.BadCertId, "certHash differs");
        Confirmed.AddOrUpdate(tid, 1, (_, n) => n + 1);
        return CmpReplies.Confirmation(request, from);
    }
}
