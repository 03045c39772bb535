using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Revocation;

namespace Twin.Actors.Control;

/// <summary>The outcome of asking for a revocation: done (with the CRL that announces it), or refused with a reason and an HTTP-like code.</summary>
public sealed record RevocationOutcome(bool Done, string Message, int Code, string? Serial = null, EntityId? Ca = null, long? CrlNumber = null);

/// <summary>Revokes an entity's certificate through the CA that issued it — the path the API and the dashboard share.</summary>
public static class Revocations
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Revokes <paramref name="serial"/> (or the current certificate) of <paramref name="entity"/> for <paramref name="reason"/>.</summary>
    public static async Task<RevocationOutcome> RevokeAsync(IPlantReadModel model, ITwinControl control, string entity, string? serial, RevocationReason reason, string requester)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(control);
        var snapshot = model.Current;
        if (!snapshot.Entities.TryGetValue(entity, out var holder))
            return new(false, $"No entity '{entity}' in this run.", 404);
        var certificate = serial is null
            ? holder.Current
            : holder.Certificates.FirstOrDefault(c => c.SerialHex.Equals(serial, StringComparison.OrdinalIgnoreCase));
        if (certificate is null)
            return new(false, $"Entity '{entity}' holds no certificate{(serial is null ? "" : $" with serial '{serial}'")}.", 404);
        if (reason == RevocationReason.RemoveFromCrl || !Enum.IsDefined(reason))
            return new(false, $"Reason {reason} cannot be requested; removeFromCRL is what releasing a hold produces.", 400);
        var ca = snapshot.Entities.Values.FirstOrDefault(e => e.Kind == EntityKinds.CertificationAuthority && e.Current?.Subject == certificate.Issuer);
        if (ca is null)
            return new(false, $"The issuer of {certificate.SerialHex} ({certificate.Issuer}) is not a CA of this run.", 409);
        object answer;
        try
        {
            answer = await control.AskEntityAsync<object>(ca.Id, new RevokeCertificate(certificate.SerialHex, reason, requester), AnswerTimeout);
        }
        catch (Akka.Actor.AskTimeoutException)
        {
            // The CA may still act on the request later; say so rather than claim it failed.
            return new(false, $"CA {ca.Id} did not answer within {AnswerTimeout.TotalSeconds:0} s (it may be offline or busy); {certificate.SerialHex} may or may not be revoked — check the CA's next CRL.", 504, certificate.SerialHex, ca.Id);
        }
        catch (InvalidOperationException refused)
        {
            return new(false, refused.Message, 409, certificate.SerialHex, ca.Id);
        }
        return answer switch
        {
            RevocationDone done => new(true, $"{ca.Id} revoked {done.Serial} ({reason}) and published CRL {done.CrlNumber}.", 200, done.Serial, ca.Id, done.CrlNumber),
            RevocationRefused refused => new(false, $"CA {ca.Id} refused: {refused.Reason}", 409),
            _ => new(false, "The CA gave no usable answer.", 502),
        };
    }
}
