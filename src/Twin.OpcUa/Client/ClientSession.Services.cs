using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Client;

public sealed partial class ClientSession
{
    /// <summary>Reads attributes (Part 4 §5.10.2); per-node failures are in each DataValue's status.</summary>
    public async Task<DataValue[]> ReadAsync(IReadOnlyList<ReadValueId> nodes, CancellationToken ct = default)
    {
        var r = await CallAsync<ReadResponse>(new ReadRequest { NodesToRead = [.. nodes], TimestampsToReturn = TimestampsToReturn.Both }, ct).ConfigureAwait(false);
        return r.Results ?? [];
    }

    /// <summary>Reads one Value attribute.</summary>
    public async Task<DataValue> ReadValueAsync(NodeId nodeId, CancellationToken ct = default)
    {
        var r = await CallAsync<ReadResponse>(new ReadRequest { NodesToRead = [new ReadValueId { NodeId = nodeId, AttributeId = 13 }], TimestampsToReturn = TimestampsToReturn.Both }, ct).ConfigureAwait(false);
        return r.Results is [var value] ? value : throw new UaException(StatusCodes.BadUnknownResponse, $"ReadResponse has {r.Results?.Length ?? 0} results for one node.");
    }

    /// <summary>Writes one Value attribute (Part 4 §5.10.4) and returns the operation's status.</summary>
    public async Task<StatusCode> WriteValueAsync(NodeId nodeId, Variant value, CancellationToken ct = default)
    {
        var r = await CallAsync<WriteResponse>(new WriteRequest { NodesToWrite = [new WriteValue { NodeId = nodeId, AttributeId = 13, Value = new DataValue(value) }] }, ct).ConfigureAwait(false);
        return r.Results is [var s] ? s : throw new UaException(StatusCodes.BadUnknownResponse, "WriteResponse has no result.");
    }

    /// <summary>Browses forward hierarchical references of a node, following continuation points (Part 4 §5.8.2, §5.8.3).</summary>
    public async Task<IReadOnlyList<ReferenceDescription>> BrowseAsync(NodeId nodeId, uint maxReferencesPerCall = 0, CancellationToken ct = default)
    {
        var r = await CallAsync<BrowseResponse>(new BrowseRequest
        {
            RequestedMaxReferencesPerNode = maxReferencesPerCall,
            NodesToBrowse = [new BrowseDescription { NodeId = nodeId, BrowseDirection = BrowseDirection.Forward, ReferenceTypeId = 33u, IncludeSubtypes = true, ResultMask = 63 }],
        }, ct).ConfigureAwait(false);
        var result = r.Results is [var only] ? only : throw new UaException(StatusCodes.BadUnknownResponse, "BrowseResponse has no result.");
        if (result.StatusCode.IsBad) throw new UaException(result.StatusCode.Code, $"Browse of {nodeId} failed.");
        var all = new List<ReferenceDescription>(result.References ?? []);
        var cp = result.ContinuationPoint;
        while (cp is { Length: > 0 })
        {
            var next = await CallAsync<BrowseNextResponse>(new BrowseNextRequest { ContinuationPoints = [cp] }, ct).ConfigureAwait(false);
            var page = next.Results is [var p] ? p : throw new UaException(StatusCodes.BadUnknownResponse, "BrowseNextResponse has no result.");
            if (page.StatusCode.IsBad) throw new UaException(page.StatusCode.Code, $"BrowseNext of {nodeId} failed.");
            all.AddRange(page.References ?? []);
            cp = page.ContinuationPoint;
        }
        return all;
    }

    /// <summary>Resolves a path of browse names from a starting node over hierarchical references (Part 4 §5.8.4).</summary>
    public async Task<NodeId> TranslateAsync(NodeId start, IReadOnlyList<QualifiedName> path, CancellationToken ct = default)
    {
        var r = await CallAsync<TranslateBrowsePathsToNodeIdsResponse>(new TranslateBrowsePathsToNodeIdsRequest
        {
            BrowsePaths = [new BrowsePath { StartingNode = start, Elements = [.. path.Select(n => new RelativePathElement { ReferenceTypeId = 33u, IncludeSubtypes = true, TargetName = n })] }],
        }, ct).ConfigureAwait(false);
        var result = r.Results is [var only] ? only : throw new UaException(StatusCodes.BadUnknownResponse, "No translate result.");
        if (result.StatusCode.IsBad || result.Targets is not [var first, ..]) throw new UaException(result.StatusCode.IsBad ? result.StatusCode.Code : StatusCodes.BadNoMatch, "Path not found.");
        return first.TargetId.NodeId;
    }

    /// <summary>Calls a method (Part 4 §5.11.2); a Bad result throws with its status code.</summary>
    public async Task<Variant[]> CallMethodAsync(NodeId objectId, NodeId methodId, IReadOnlyList<Variant> inputs, CancellationToken ct = default)
    {
        var r = await CallAsync<CallResponse>(new CallRequest { MethodsToCall = [new CallMethodRequest { ObjectId = objectId, MethodId = methodId, InputArguments = [.. inputs] }] }, ct).ConfigureAwait(false);
        var result = r.Results is [var only] ? only : throw new UaException(StatusCodes.BadUnknownResponse, "No call result.");
        if (result.StatusCode.IsBad) throw new UaException(result.StatusCode.Code, $"Call of {methodId} failed.");
        return result.OutputArguments ?? [];
    }

    /// <summary>FindServers (Part 4 §5.4.2) on the session's channel.</summary>
    public async Task<ApplicationDescription[]> FindServersAsync(CancellationToken ct = default) =>
        (await CallAsync<FindServersResponse>(new FindServersRequest { EndpointUrl = _endpointUrl }, ct).ConfigureAwait(false)).Servers ?? [];
}
