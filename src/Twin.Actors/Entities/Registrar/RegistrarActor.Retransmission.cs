using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

// A twin entity killed between sending a request and hearing the answer sends the very same PKIMessage again after its restart,
// flagged as a retransmission (CmpRequest.FirstSentAt). The registrar that already decided it answers as it did — the same
// certificate (its CA repeats what it issued) or the same refusal — and journals nothing: the run then ends as an uninterrupted
// one. In RA mode a request it forwarded is forwarded again, byte for byte (RegistrarActor.Upstream.cs), and the upstream's answer
// relayed without a second decision; one whose upstream answer had not come back before the kill was never decided, and is simply
// forwarded again. A reuse of a transactionID with other bytes, or from outside the twin, stays refused (RFC 9483 §3.5 transactionIdInUse).
public sealed partial class RegistrarActor
{
    // Transactions being answered again right now: their refusals are replies only, never decisions.
    private readonly HashSet<string> _repeating = new(StringComparer.Ordinal);

    private static string DigestOf(CmpMessage request) => Convert.ToHexStringLower(SHA256.HashData(request.GetDer()));

    private bool IsRetransmission(CmpRequest command, CmpMessage message) =>
        command.FirstSentAt is not null && command.Origin.StartsWith("entity:", StringComparison.Ordinal)
        && _state.Answers.TryGetValue(message.Header.TransactionHex, out var answered)
        && answered.Verdict is RegistrarDecided.Granted or RegistrarDecided.Refused or RegistrarDecided.Forwarded
        && answered.Digest == DigestOf(message);

    private void AnswerAgain(CmpRequest command, CmpMessage message, Action<object> reply)
    {
        var tid = message.Header.TransactionHex;
        var answered = _state.Answers[tid];
        var credential = CredentialAgain(message, answered);
        if (answered.Verdict == RegistrarDecided.Refused || credential is null)
        {
            var failure = Enum.TryParse<CmpFailure>(answered.Failure, ignoreCase: true, out var f) ? f : CmpFailure.BadRequest;
            reply(new CmpReply(CmpReplies.Error(message, SenderFor(message, credential), failure, answered.Reason ?? $"transaction {tid} was refused at {answered.At}."), true));
            return;
        }
        _repeating.Add(tid);
        var exchange = new Exchange(message, credential, reply, command.Origin) { FirstSentAt = answered.At, Repeat = true };
        try
        {
            if (answered.Verdict == RegistrarDecided.Forwarded) Forward(exchange); // RA mode: the upstream is asked again, with the same bytes
            else Enroll(exchange);
        }
        catch (Twin.Pki.PkiException e)
        {
            _busy.Remove(tid);
            if (credential.Reference is { } r) _reserved.Remove(r);
            Refuse(message, credential, new Refusal(e is CmpException c ? c.Failure : CmpFailure.BadDataFormat, e.Message), credential.Who, message.BodyName, reply);
        }
    }

    // The credential the request proved before: its one-time reference is spent by now, so it is taken from the decision; a signer is judged again.
    private Credential? CredentialAgain(CmpMessage message, AnsweredRequest answered)
    {
        if (answered.Reference is { } reference)
        {
            var secret = SecretOf(reference);
            return message.VerifyMacKeeping(secret) is { } key ? new Credential(CredentialKind.Secret, $"otp:{reference}", reference, secret, null) { MacKey = key } : null;
        }
        if (message.Protection != CmpProtectionKind.Signature) return null;
        var (credential, _) = RegistrarPolicy.Authenticate(_state, _settings, message, _clock.Now, SecretOf, Trust());
        return credential;
    }

    // Per requester, how many secrets the journal shows handed out: read once per start, at the first ask.
    private Dictionary<string, int>? _journaledAsks;

    // The count of the ask being answered. An uninterrupted registrar counts every ask it journaled, so after a start the count goes on
    // from the journal: a requester asking at a later instant gets the reference the uninterrupted registrar would have given. Its first
    // ask at the very instant its last secret was handed out (the process died before the requester used it) is that ask again.
    private long AskedAgain(string requester)
    {
        if (_asked.TryGetValue(requester, out var asked)) return asked + 1;
        _journaledAsks ??= (_state.SecretHolders ?? ImmutableDictionary<string, string>.Empty).Values
            .GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        long before = _journaledAsks.GetValueOrDefault(requester);
        return before > 0 && _state.SecretHolders?.GetValueOrDefault(ReferenceOf(requester, before)) == requester ? before : before + 1;
    }

    // Named by who asks, when, and how often they asked: the order requests from different askers arrive in changes nothing.
    private string ReferenceOf(string requester, long asked)
    {
        var random = _entropy.For(Id, "secret-ref", $"{requester}/{_clock.Now}/{asked}");
        var bytes = new byte[6];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private void RecallSecret(RecallEnrollmentSecret command)
    {
        if (_secretKey is null)
        {
            HoldCurrent();
            return;
        }
        var reply = ReplyChannel();
        reply(_state.SecretHolders.GetValueOrDefault(command.Reference) == command.Requester
            ? new EnrollmentSecret(_settings.Domain, command.Reference, Encoding.ASCII.GetString(SecretOf(command.Reference)))
            : new EnrollmentSecretRefused(command.Reference, $"reference '{command.Reference}' was not handed out to {command.Requester}."));
    }
}
