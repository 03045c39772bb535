using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Projections;

/// <summary>A service's state as the PEA journaled it, and since when.</summary>
public sealed record ServiceStateView(string State, SimInstant Since, string? Command);

public sealed partial class PlantReadModel
{
    private static bool IsService(ITwinEvent e) => e is PeaServiceStateChanged or PeaSiblingAttempted or PolServiceSessionOpened or PolServiceSessionLost or PolServiceObserved or PolServiceCalled;

    // MTP services and server-to-server links: a PEA's service states and its sessions with sibling servers; the POL's orchestration
    // events only touch it (its links are its probe attempts).
    private static ImmutableSortedDictionary<string, EntityView> FoldServices(ImmutableSortedDictionary<string, EntityView> entities, ITwinEvent e) => e switch
    {
        PeaServiceStateChanged s => Upsert(entities, s.Entity, EntityKinds.Device, s.At, v => v with { Services = v.Services.SetItem(s.Service, new ServiceStateView(s.To, s.At, s.Command)) }),
        PeaSiblingAttempted a => Upsert(entities, a.Entity, EntityKinds.Device, a.At, v => v with
        {
            Connections = v.Connections.SetItem(a.Target.Value, new ConnectionView(a.Target, a.EndpointUrl, a.StatusCode, a.Status, a.At, a.Reason)),
        }),
        _ => Touch(entities, e.Entity, EntityKinds.Pol, e.At),
    };
}
