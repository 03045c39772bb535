using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Sessions;

namespace Twin.OpcUa.Server;

internal sealed partial class Services
{
    /// <summary>Part 4 §5.11.2: the method must be a component of the object; arguments are checked against the declared inputs.</summary>
    private async Task<CallResponse> CallAsync(ChannelContext channel, Session session, CallRequest r)
    {
        using var caller = AuditCaller.Enter(session.UserName.Length > 0 ? session.UserName : null, r.RequestHeader.AuditEntryId);
        var methods = Operations(r.MethodsToCall);
        // One after the other, in the order asked: a method may depend on the effect of the one before it.
        var results = new CallMethodResult[methods.Length];
        for (var i = 0; i < methods.Length; i++) results[i] = await CallOneAsync(channel, session, methods[i]).ConfigureAwait(false);
        return new CallResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }

    private async ValueTask<CallMethodResult> CallOneAsync(ChannelContext channel, Session session, CallMethodRequest request)
    {
        var obj = _space.Find(request.ObjectId);
        if (obj is null || !obj.Allows(session.Roles, Permissions.Browse)) return Failed(StatusCodes.BadNodeIdUnknown);
        if (_space.Find(request.MethodId) is not MethodNode method || !method.Allows(session.Roles, Permissions.Browse)) return Failed(StatusCodes.BadMethodInvalid);
        if (!obj.References.Any(x => x.IsForward && x.TargetId == method.NodeId && ReferenceTypeTree.Matches(x.ReferenceTypeId, WellKnownIds.HasComponent, true)))
            return Failed(StatusCodes.BadMethodInvalid);
        if (!method.Executable) return Failed(StatusCodes.BadNotExecutable);
        if (!method.Allows(session.Roles, Permissions.Call)) return Failed(StatusCodes.BadUserAccessDenied);

        var inputs = request.InputArguments ?? [];
        if (inputs.Length < method.InputArguments.Count) return Failed(StatusCodes.BadArgumentsMissing);
        if (inputs.Length > method.InputArguments.Count) return Failed(StatusCodes.BadTooManyArguments);
        var argResults = new StatusCode[inputs.Length];
        var anyBad = false;
        for (var i = 0; i < inputs.Length; i++)
        {
            var declared = method.InputArguments[i];
            var probe = new VariableNode(NodeId.Null, QualifiedName.Null, Variant.Null, declared.DataType) { ValueRank = declared.ValueRank };
            argResults[i] = TypeFits(probe, inputs[i]) ? StatusCodes.Good : StatusCodes.BadTypeMismatch;
            anyBad |= argResults[i].IsBad;
        }
        if (anyBad) return new CallMethodResult { StatusCode = StatusCodes.BadInvalidArgument, InputArgumentResults = argResults, InputArgumentDiagnosticInfos = [], OutputArguments = [] };
        try
        {
            var outputs = await method.Handler(new MethodContext(obj.NodeId, method.NodeId, session.UserName, session.Roles)
            {
                SecurityMode = channel.SecurityMode, AfterResponse = channel.AfterResponse, ClientCertificate = session.ClientCertificate,
            }, inputs).ConfigureAwait(false);
            return new CallMethodResult { StatusCode = StatusCodes.Good, InputArgumentResults = argResults, InputArgumentDiagnosticInfos = [], OutputArguments = outputs };
        }
        catch (UaException e)
        {
            return Failed(e.StatusCode.Code);
        }
    }

    private static CallMethodResult Failed(uint status) => new() { StatusCode = status, InputArgumentResults = [], InputArgumentDiagnosticInfos = [], OutputArguments = [] };
}
