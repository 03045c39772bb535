using System.Security.Cryptography;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Events;

/// <summary>
/// Turns an audit record into the event clients see (Part 5 §6.4.3 – §6.4.23, Part 12 §7.8.2.10 / §7.10.11): the BaseEventType fields,
/// the AuditEventType fields and the type-specific ones. Never carried: passwords (the UserIdentityToken goes without its password and
/// signature), private keys and method input arguments (UpdateCertificate's may hold a private key).
/// </summary>
public static class AuditEventMapping
{
    /// <summary>Severity of an audit record that succeeded (Part 5 §6.4.2: 1 – 1000; informational).</summary>
    public const ushort SucceededSeverity = 100;

    /// <summary>Severity of an audit record that failed: a refused channel, session, certificate or configuration change.</summary>
    public const ushort FailedSeverity = 500;

    public static UaEvent ToEvent(AuditEvent audit, string serverUri)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var time = audit.Time.UtcDateTime;
        var fields = new List<KeyValuePair<string, Variant>>
        {
            new("ActionTimeStamp", time), new("Status", audit.Status), new("ServerId", serverUri), new("ClientAuditEntryId", audit.ClientAuditEntryId),
            new("ClientUserId", audit.ClientUserId), new("StatusCodeId", new Variant(BuiltInType.StatusCode, audit.StatusCode)),
        };
        var type = audit.EventType;
        var channelId = audit.SecureChannelId == 0 ? Variant.Null : (Variant)audit.SecureChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (EventTypeTree.IsSubtypeOf(type, EventTypeIds.AuditChannelEventType) || EventTypeTree.IsSubtypeOf(type, EventTypeIds.AuditSessionEventType))
            fields.Add(new("SecureChannelId", channelId));
        if (EventTypeTree.IsSubtypeOf(type, EventTypeIds.AuditSessionEventType) && audit.SessionId is { } session)
            fields.Add(new("SessionId", new Variant(BuiltInType.NodeId, session)));
        if (type == AuditEventTypes.AuditOpenSecureChannelEventType || type == AuditEventTypes.AuditCreateSessionEventType)
        {
            fields.Add(new("ClientCertificate", Bytes(audit.Certificate)));
            fields.Add(new("ClientCertificateThumbprint", Thumbprint(audit.Certificate)));
            if (type == AuditEventTypes.AuditOpenSecureChannelEventType)
            {
                fields.Add(new("SecurityPolicyUri", audit.SecurityPolicyUri));
                if (audit.RequestType is { } requestType) fields.Add(new("RequestType", (int)requestType));
                if (audit.SecurityMode is { } mode) fields.Add(new("SecurityMode", (int)mode));
                if (audit.RequestedLifetime is { } lifetime) fields.Add(new("RequestedLifetime", lifetime));
            }
            else if (audit.RevisedSessionTimeout is { } timeout) fields.Add(new("RevisedSessionTimeout", timeout));
        }
        if (type == AuditEventTypes.AuditActivateSessionEventType && audit.UserIdentityToken is { } token)
            fields.Add(new("UserIdentityToken", new Variant(BuiltInType.ExtensionObject, new ExtensionObject(token))));
        if (EventTypeTree.IsSubtypeOf(type, AuditEventTypes.AuditCertificateEventType)) fields.Add(new("Certificate", Bytes(audit.Certificate)));
        if (EventTypeTree.IsSubtypeOf(type, EventTypeIds.AuditUpdateMethodEventType) && audit.MethodId is { } method)
            fields.Add(new("MethodId", new Variant(BuiltInType.NodeId, method)));
        if (audit.CertificateGroup is { } group) fields.Add(new("CertificateGroup", new Variant(BuiltInType.NodeId, group)));
        if (audit.CertificateType is { } certificateType) fields.Add(new("CertificateType", new Variant(BuiltInType.NodeId, certificateType)));
        if (audit.TrustListId is { } trustList) fields.Add(new("TrustListId", new Variant(BuiltInType.NodeId, trustList)));
        return UaEvent.Create(type, audit.SourceNode ?? WellKnownIds.Server, audit.SourceName, time, audit.Message,
            audit.Status ? SucceededSeverity : FailedSeverity, fields);
    }

    private static Variant Bytes(byte[]? der) => der is { Length: > 0 } ? new Variant(BuiltInType.ByteString, der) : Variant.Null;

#pragma warning disable CA5350 // OPC UA names certificates by their SHA-1 thumbprint (Part 4 §7.2); it identifies, it does not protect.
    private static Variant Thumbprint(byte[]? der) => der is { Length: > 0 } ? Convert.ToHexString(SHA1.HashData(der)) : Variant.Null;
#pragma warning restore CA5350
}
