using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Sessions;

namespace Twin.OpcUa.Server;

internal sealed partial class Services
{
    /// <summary>Part 4 §5.8.2; nodes the user may not browse are left out.</summary>
    private BrowseResponse Browse(Session session, BrowseRequest r)
    {
        if (!r.View.ViewId.IsNull) throw new UaException(StatusCodes.BadViewIdUnknown, "This server has no views.");
        var results = Operations(r.NodesToBrowse).Select(d => BrowseOne(session, d, r.RequestedMaxReferencesPerNode)).ToArray();
        return new BrowseResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }

    private BrowseResult BrowseOne(Session session, BrowseDescription d, uint max)
    {
        var node = _space.Find(d.NodeId);
        if (node is null || !node.Allows(session.Roles, Permissions.Browse)) return new BrowseResult { StatusCode = StatusCodes.BadNodeIdUnknown };
        if (d.BrowseDirection is < BrowseDirection.Forward or > BrowseDirection.Both) return new BrowseResult { StatusCode = StatusCodes.BadBrowseDirectionInvalid };
        if (!d.ReferenceTypeId.IsNull && !ReferenceTypeTree.IsKnown(d.ReferenceTypeId)) return new BrowseResult { StatusCode = StatusCodes.BadReferenceTypeIdInvalid };
        var all = new List<ReferenceDescription>();
        foreach (var reference in node.References)
        {
            if (d.BrowseDirection == BrowseDirection.Forward && !reference.IsForward) continue;
            if (d.BrowseDirection == BrowseDirection.Inverse && reference.IsForward) continue;
            if (!ReferenceTypeTree.Matches(reference.ReferenceTypeId, d.ReferenceTypeId, d.IncludeSubtypes)) continue;
            var target = _space.Find(reference.TargetId);
            if (target is not null && !target.Allows(session.Roles, Permissions.Browse)) continue;
            if (d.NodeClassMask != 0 && target is not null && ((uint)target.NodeClass & d.NodeClassMask) == 0) continue;
            all.Add(Describe(reference, target, d.ResultMask));
        }
        return Page(session, all, max);
    }

    /// <summary>Fills the fields the ResultMask asks for (Part 4 §5.8.2.2 Table 35).</summary>
    private static ReferenceDescription Describe(Reference reference, Node? target, uint mask)
    {
        var rd = new ReferenceDescription { NodeId = reference.TargetId, IsForward = reference.IsForward };
        if ((mask & 0x01) != 0) rd.ReferenceTypeId = reference.ReferenceTypeId;
        if (target is null) return rd;
        if ((mask & 0x04) != 0) rd.NodeClass = target.NodeClass;
        if ((mask & 0x08) != 0) rd.BrowseName = target.BrowseName;
        if ((mask & 0x10) != 0) rd.DisplayName = target.DisplayName;
        if ((mask & 0x20) != 0 && target.NodeClass is NodeClass.Object or NodeClass.Variable && AddressSpace.TypeDefinitionOf(target) is { } type) rd.TypeDefinition = type;
        return rd;
    }

    private static BrowseResult Page(Session session, List<ReferenceDescription> all, uint max)
    {
        if (max == 0 || all.Count <= max) return new BrowseResult { StatusCode = StatusCodes.Good, References = [.. all] };
        var key = session.AddContinuation(new BrowseContinuation(all.Skip((int)max).ToList(), max));
        return new BrowseResult { StatusCode = StatusCodes.Good, References = [.. all.Take((int)max)], ContinuationPoint = Convert.FromBase64String(key) };
    }

    /// <summary>Part 4 §5.8.3.</summary>
    private static BrowseNextResponse BrowseNext(Session session, BrowseNextRequest r)
    {
        var results = Operations(r.ContinuationPoints).Select(cp =>
        {
            var c = session.TakeContinuation(cp);
            if (c is null) return new BrowseResult { StatusCode = StatusCodes.BadContinuationPointInvalid };
            return r.ReleaseContinuationPoints ? new BrowseResult { StatusCode = StatusCodes.Good } : Page(session, [.. c.Remaining], c.MaxReferences);
        }).ToArray();
        return new BrowseNextResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }

    /// <summary>Part 4 §5.8.4: follows each element's reference type and target name from the starting node.</summary>
    private TranslateBrowsePathsToNodeIdsResponse Translate(Session session, TranslateBrowsePathsToNodeIdsRequest r)
    {
        var results = Operations(r.BrowsePaths).Select(path => TranslateOne(session, path)).ToArray();
        return new TranslateBrowsePathsToNodeIdsResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }

    private BrowsePathResult TranslateOne(Session session, BrowsePath path)
    {
        if (_space.Find(path.StartingNode) is null) return new BrowsePathResult { StatusCode = StatusCodes.BadNodeIdUnknown };
        var elements = path.Elements ?? [];
        if (elements.Length == 0) return new BrowsePathResult { StatusCode = StatusCodes.BadNothingToDo };
        IEnumerable<NodeId> current = [path.StartingNode];
        foreach (var element in elements)
        {
            if (element.TargetName.Name is null) return new BrowsePathResult { StatusCode = StatusCodes.BadBrowseNameInvalid };
            var refType = element.ReferenceTypeId.IsNull ? WellKnownIds.HierarchicalReferences : element.ReferenceTypeId;
            current = current.SelectMany(id => _space.Find(id)?.References ?? [])
                .Where(x => x.IsForward != element.IsInverse && ReferenceTypeTree.Matches(x.ReferenceTypeId, refType, element.IncludeSubtypes))
                .Select(x => _space.Find(x.TargetId))
                .Where(n => n is not null && n.BrowseName == element.TargetName && n.Allows(session.Roles, Permissions.Browse))
                .Select(n => n!.NodeId).Distinct().ToList();
        }
        var targets = current.Select(id => new BrowsePathTarget { TargetId = id, RemainingPathIndex = uint.MaxValue }).ToArray();
        return new BrowsePathResult { StatusCode = targets.Length == 0 ? StatusCodes.BadNoMatch : StatusCodes.Good, Targets = targets };
    }

    /// <summary>Part 4 §5.8.5: nodes are already fast to reach, so the registered ids are the ids themselves.</summary>
    private static RegisterNodesResponse RegisterNodes(Session session, RegisterNodesRequest r) =>
        new() { ResponseHeader = ResponseHeader.For(r.RequestHeader), RegisteredNodeIds = Operations(r.NodesToRegister) };

    /// <summary>Part 4 §5.8.6.</summary>
    private static UnregisterNodesResponse UnregisterNodes(Session session, UnregisterNodesRequest r)
    {
        Operations(r.NodesToUnregister);
        return new UnregisterNodesResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader) };
    }
}
