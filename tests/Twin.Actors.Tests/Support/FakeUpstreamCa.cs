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
/// An upstream CA behind the transport: checks the RA's MAC, certifies the requested key and answers with implicit confirmation,
/// MAC-protected. The very same bytes again are a retransmission (RFC 9483 §3.5): answered as the first time, nothing issued twice.
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
        var from = new CmpSender(name, CmpProtector.MacLike(request, shared, random), request.Header.MessageTime ?? Since, random);
        if (!request.VerifyMac(shared)) return CmpReplies.Error(request, from, CmpFailure.BadMessageCheck, "the RA's MAC does not verify");
        var wanted = Assert.Single(request.CertRequests());
        var at = request.Header.MessageTime ?? Since;
        var issued = _ca.Issue(new IssuanceRequest(wanted.Subject!, wanted.PublicKey!, CertificateProfile.LDevId, at, at.AddDays(30)), random);
        return _answered.GetOrAdd(digest, CmpReplies.Certificate(request, from, wanted.CertReqId, issued, [_ca.Certificate], implicitConfirm: true, [_ca.Certificate]));
    }
}
