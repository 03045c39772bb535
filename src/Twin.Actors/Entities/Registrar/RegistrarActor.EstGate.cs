using Twin.Actors.Protocol.Commands;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // What this start of the registrar published for its domain's EST endpoint (EstGate); withdrawn when it stops.
    private EstGate? _estGate;

    // Published with the CMP gate (RegistrarActor.Gate.cs), from the same settings and trust.
    private void PublishEstGate(EstGate gate)
    {
        _estGate = gate;
        _runtime.EstGates[_settings.Domain] = gate;
    }

    private void WithdrawEstGate()
    {
        if (_estGate is { } gate) _runtime.EstGates.TryRemove(new KeyValuePair<string, EstGate>(_settings.Domain, gate));
        _estGate = null;
    }

    // An EST request parsed and checked ahead on the HTTP request's own thread (EstGate): judged here at once against the registrar's
    // current settings, trust and instant — the signatures it needs were verified ahead and are remembered, so the judgement is cheap
    // and no stale snapshot can change it — then issued and journaled as any EST request; the decision completes the endpoint's task.
    private void HandleEst(EstGate.Checked command)
    {
        if (!_state.IsReady)
        {
            HoldCurrent(); // decided once the registrar holds its certificate and chain (its trust anchors)
            return;
        }
        var answer = command.Answer;
        Action<object> reply = decision =>
        {
            if (decision is EstDecision d) answer.TrySetResult(d);
            else answer.TrySetException(new InvalidOperationException($"The registrar answered an EST request with {decision.GetType().Name}."));
        };
        var what = "est:" + command.Operation;
        if (command.Client is not { } client)
        {
            RefuseEst($"unauthenticated:{command.Origin}", what, 401, "no TLS client certificate was presented (RFC 7030 §3.3.2).", CmpFailure.SignerNotTrusted, reply);
            return;
        }
        var request = new EstEnrollRequest(command.Operation, command.Csr.GetDer(), client.GetDer(), command.Origin);
        EstVerdict verdict;
        try
        {
            verdict = JudgeEst(WithManufacturers(), _settings.Templates[0], client, command.Csr, command.Operation, _clock.Now, Trust());
        }
        catch (Exception e) when (e is Twin.Pki.PkiException or ArgumentException or InvalidOperationException)
        {
            verdict = new EstVerdict(null, $"cert:{client.Subject}#{client.SerialNumber.Hex}", 400, e.Message, CmpFailure.BadDataFormat);
        }
        ContinueEst(new EstJudged(request, command.Csr, verdict, reply));
    }
}
