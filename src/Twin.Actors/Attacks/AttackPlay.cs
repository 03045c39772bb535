using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;

namespace Twin.Actors.Attacks;

/// <summary>What the attacked server shows afterwards, read in process: its rejected list and whether its trust list changed.</summary>
public interface IAttackedServer
{
    /// <summary>Thumbprints of the client certificates the server refused (its rejected list, as GetRejectedList gives it).</summary>
    IReadOnlyCollection<string> RejectedThumbprints { get; }

    /// <summary>The trust list as the server holds it: whether a change is staged, and when it was last replaced.</summary>
    (bool Staged, DateTime LastUpdate) TrustListState { get; }
}

/// <summary>Plays an attack end to end and reads back what it left on the server. Never throws: every failure is an outcome.</summary>
public static class AttackPlay
{
    /// <summary>Every step of <paramref name="attack"/> against the server at <paramref name="url"/>.</summary>
    public static async Task<IReadOnlyList<AttackOutcome>> OnServerAsync(OpcUaAttack attack, string url, string attackerUri, X509Certificate2? trusted, IAttackedServer server, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(server);
        try
        {
            var now = time.GetUtcNow();
            switch (attack)
            {
                case OpcUaAttack.RogueDevice:
                {
                    using var rogue = OpcUaAttacks.SelfSigned("pea-maintenance", attackerUri, now);
                    var outcome = await OpcUaAttacks.RogueDeviceAsync(url, rogue, attackerUri, time).ConfigureAwait(false);
                    var listed = server.RejectedThumbprints.Contains(rogue.Thumbprint);
                    return [outcome with { Detail = outcome.Detail + (listed ? "; the certificate is in the server's rejected list" : "; the certificate is NOT in the server's rejected list") }];
                }
                case OpcUaAttack.DowngradeNone:
                    return [await OpcUaAttacks.PlaintextSessionAsync(url, time).ConfigureAwait(false)];
                default:
                {
                    using var rogue = OpcUaAttacks.SelfSigned("plant-gds", attackerUri, now);
                    var before = server.TrustListState;
                    var steps = await OpcUaAttacks.RogueGdsAsync(url, rogue, trusted ?? throw new ArgumentNullException(nameof(trusted)), attackerUri, OpcUaAttacks.RogueCa(now), time).ConfigureAwait(false);
                    var after = server.TrustListState;
                    var unchanged = after == before && !after.Staged;
                    return [.. steps, new AttackOutcome("trust list read back", StatusCodes.Good, unchanged,
                        unchanged ? "unchanged: nothing staged, not replaced since the attack began" : $"CHANGED: staged {after.Staged}, last update {after.LastUpdate:O}")];
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [new AttackOutcome("attack", StatusCodes.BadUnexpectedError, true, "the attack could not be played: " + e.Message)];
        }
    }

    /// <summary>
    /// The man in the middle on a POL's connection to <paramref name="url"/>: first every secure endpoint is dropped from the
    /// discovery answer (only None is offered), then only SignAndEncrypt (the POL could settle for Sign). The POL connects with
    /// <paramref name="polOptions"/> through the proxy each time; a session established is a successful downgrade.
    /// </summary>
    public static async Task<IReadOnlyList<AttackOutcome>> InterceptAsync(string url, ClientOptions polOptions)
    {
        ArgumentNullException.ThrowIfNull(polOptions);
        var outcomes = new List<AttackOutcome>(2);
        foreach (var (step, rewrite) in new (string, Func<Twin.OpcUa.Messages.EndpointDescription[], Twin.OpcUa.Messages.EndpointDescription[]>)[]
                 { ("discovery rewritten to None only", DiscoveryRewritingProxy.OnlyNone), ("discovery rewritten to Sign only", DiscoveryRewritingProxy.OnlySign) })
        {
            try
            {
                await using var proxy = new DiscoveryRewritingProxy(url, rewrite);
                try
                {
                    await using var session = await ClientSession.ConnectAsync(proxy.EndpointUrl, polOptions).ConfigureAwait(false);
                    outcomes.Add(new AttackOutcome(step, StatusCodes.Good, false, $"the POL established a session with {PolicyName(session.Endpoint.SecurityPolicyUri)}/{session.Endpoint.SecurityMode}"));
                }
                catch (UaException e)
                {
                    outcomes.Add(new AttackOutcome(step, e.StatusCode.Code, true, $"{e.Message} ({proxy.Rewritten} discovery answer(s) rewritten)"));
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                outcomes.Add(new AttackOutcome(step, StatusCodes.BadCommunicationError, true, e.Message));
            }
        }
        return outcomes;
    }

    private static string PolicyName(string? uri) => uri is null ? "?" : uri[(uri.LastIndexOf('#') + 1)..];
}
