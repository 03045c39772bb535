using Akka.Actor;
using Twin.Actors.Attacks;
using Twin.Actors.Entities.Pea;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.SecureChannel;

namespace Twin.Actors.Entities.Device;

// Attacks on a PEA's OPC UA server, played over the real stack on loopback and journaled by the entity that saw them: the
// attacked PEA (rogue device, plaintext session, rogue GDS) or the POL (a man in the middle rewriting discovery). Each step
// is one attack.attempted event with the OPC UA status the attacker got; the attack is counted work until it is journaled.
public sealed partial class DeviceActor
{
    private const string AttackLabel = "attack";

    /// <summary>The POL never speaks SecurityPolicy None: a discovery answer offering only None is a downgrade it refuses.</summary>
    private static readonly IReadOnlyList<string> PolPolicies = [.. new ClientOptions().AllowedPolicies.Where(p => p != SecurityPolicies.None)];

    private readonly Dictionary<int, Action<object>> _attackReplies = [];
    private int _nextAttack;

    private void AttackBehaviour()
    {
        Recover<AttackAttempted>(a =>
        {
            var key = (a.Attack, a.Target.Value, a.At);
            _journaledAttacks[key] = [.. _journaledAttacks.GetValueOrDefault(key) ?? [], a];
        });
        Command<LaunchAttack>(Launch);
        Command<InterceptDiscovery>(Intercept);
        Command<AttackFinished>(JournalAttack);
    }

    // What this entity journaled of each attack (name, target, instant): a step the timeline plays again after a kill is answered from it.
    private readonly Dictionary<(string Attack, string Target, Clock.SimInstant At), IReadOnlyList<AttackAttempted>> _journaledAttacks = [];

    private bool AnsweredBefore(string attack, EntityId target, Clock.SimInstant? firstSentAt)
    {
        if (firstSentAt is not { } at || !_journaledAttacks.TryGetValue((attack, target.Value, at), out var events)) return false;
        ReplyChannel()(DoneOf(target, attack, events));
        return true;
    }

    private static AttackDone DoneOf(EntityId target, string attack, IReadOnlyList<AttackAttempted> events)
    {
        var refused = events.Count(e => e.Refused);
        return new AttackDone(target, attack, events.Count, refused,
            $"{attack} on {target}: {refused} of {events.Count} steps refused ({string.Join(", ", events.Select(e => $"{e.Step}: {e.Status}"))})");
    }

    private void Launch(LaunchAttack command)
    {
        var name = AttackNames.Of(command.Attack);
        if (AnsweredBefore(name, Id, command.FirstSentAt)) return;
        var id = Remember(ReplyChannel());
        if (_state.Decommissioned || _runtime is null || !_runtime.Endpoints.TryGetValue(Id.Value, out var url) || _state.Current is not { } certificate)
        {
            Self.Tell(new AttackFinished(id, Id, name, Id.Value, [new AttackOutcome("connect", StatusCodes.BadNotConnected, true, "it serves no OPC UA endpoint now")]));
            Work.Begin(AttackLabel);
            return;
        }
        Work.Begin(AttackLabel);
        // The rogue GDS's insider identity: an application certificate the plant's CA issued (the twin lends it the PEA's own).
        var trusted = command.Attack == OpcUaAttack.RogueGds ? OpcUaIdentity.WithPrivateKey(certificate, _vault.Load(_state.KeyRef!)) : null;
        var attacker = $"urn:planttrust:{_run}:{(command.Attack == OpcUaAttack.RogueGds ? "plant-gds" : "pea-maintenance")}";
        AttackPlay.OnServerAsync(command.Attack, url, attacker, trusted, _server, new Clock.SimTimeProvider(_clock))
            .PipeTo(Self, success: outcomes => new AttackFinished(id, Id, name, Id.Value, outcomes));
    }

    // The POL connects to the PEA through a man in the middle, as it would on its round, and journals what its client saw.
    private void Intercept(InterceptDiscovery command)
    {
        if (AnsweredBefore(AttackNames.DowngradeNone, command.Pea, command.FirstSentAt)) return;
        var id = Remember(ReplyChannel());
        Work.Begin(AttackLabel);
        if (_state.Current is not { } certificate || _runtime is null || _settings.OpcUaApplicationUri is not { } uri || !_runtime.Endpoints.TryGetValue(command.Pea.Value, out var url))
        {
            Self.Tell(new AttackFinished(id, command.Pea, AttackNames.DowngradeNone, Id.Value, [new AttackOutcome("connect", StatusCodes.BadNotConnected, true, "no POL identity or no endpoint to intercept")]));
            return;
        }
        var options = OwnClientOptions(certificate, uri);
        AttackPlay.InterceptAsync(url, options).PipeTo(Self, success: outcomes => new AttackFinished(id, command.Pea, AttackNames.DowngradeNone, Id.Value, outcomes));
    }

    private int Remember(Action<object> reply)
    {
        var id = ++_nextAttack;
        _attackReplies[id] = reply;
        return id;
    }

    private void JournalAttack(AttackFinished finished)
    {
        var now = _clock.Now;
        var events = finished.Outcomes.Select(o => new AttackAttempted(_run, now, Id, finished.Target, finished.Attack, o.Step, o.StatusCode, o.Status, o.Refused,
            o.Refused ? finished.RefusedBy : "nobody", o.Detail)).ToList();
        var left = events.Count;
        PersistAll(events, _ =>
        {
            if (--left > 0) return;
            _journaledAttacks[(finished.Attack, finished.Target.Value, now)] = events;
            if (_attackReplies.Remove(finished.Id, out var reply)) reply(DoneOf(finished.Target, finished.Attack, events));
            Work.Done(AttackLabel);
        });
    }

    /// <summary>An attack's steps came back from the wire; <paramref name="RefusedBy"/> is who refused the refused ones.</summary>
    private sealed record AttackFinished(int Id, EntityId Target, string Attack, string RefusedBy, IReadOnlyList<AttackOutcome> Outcomes);
}

/// <summary>The attacks' names as scenario files and the journal write them.</summary>
public static class AttackNames
{
    public const string RogueDevice = "rogue-device";
    public const string DowngradeNone = "downgrade-none";
    public const string RogueGds = "rogue-gds";

    /// <summary>The name of <paramref name="attack"/>.</summary>
    public static string Of(OpcUaAttack attack) => attack switch
    {
        OpcUaAttack.RogueDevice => RogueDevice,
        OpcUaAttack.DowngradeNone => DowngradeNone,
        _ => RogueGds,
    };
}
