namespace Twin.OpcUa.Encoding;

/// <summary>StatusCode values from OPC UA Part 4 §7.39 and Part 6 Annex A (StatusCode.csv).</summary>
public static class StatusCodes
{
    /// <summary>The operation succeeded.</summary>
    public const uint Good = 0x00000000;
    /// <summary>The operation was uncertain.</summary>
    public const uint Uncertain = 0x40000000;
    /// <summary>The operation failed.</summary>
    public const uint Bad = 0x80000000;
    /// <summary>An unexpected error occurred.</summary>
    public const uint BadUnexpectedError = 0x80010000;
    /// <summary>An internal error occurred as a result of a programming or configuration error.</summary>
    public const uint BadInternalError = 0x80020000;
    /// <summary>Not enough memory to complete the operation.</summary>
    public const uint BadOutOfMemory = 0x80030000;
    /// <summary>An operating system resource is not available.</summary>
    public const uint BadResourceUnavailable = 0x80040000;
    /// <summary>A low level communication error occurred.</summary>
    public const uint BadCommunicationError = 0x80050000;
    /// <summary>Encoding halted because of invalid data in the objects being serialized.</summary>
    public const uint BadEncodingError = 0x80060000;
    /// <summary>Decoding halted because of invalid data in the stream.</summary>
    public const uint BadDecodingError = 0x80070000;
    /// <summary>The message encoding/decoding limits imposed by the stack have been exceeded.</summary>
    public const uint BadEncodingLimitsExceeded = 0x80080000;
    /// <summary>The request message size exceeds limits set by the server.</summary>
    public const uint BadRequestTooLarge = 0x80B80000;
    /// <summary>The response message size exceeds limits set by the client or server.</summary>
    public const uint BadResponseTooLarge = 0x80B90000;
    /// <summary>An unrecognized response was received from the server.</summary>
    public const uint BadUnknownResponse = 0x80090000;
    /// <summary>The operation timed out.</summary>
    public const uint BadTimeout = 0x800A0000;
    /// <summary>The server does not support the requested service.</summary>
    public const uint BadServiceUnsupported = 0x800B0000;
    /// <summary>The operation was cancelled because the application is shutting down.</summary>
    public const uint BadShutdown = 0x800C0000;
    /// <summary>The operation could not complete because the client is not connected to the server.</summary>
    public const uint BadServerNotConnected = 0x800D0000;
    /// <summary>The server has stopped and cannot process any requests.</summary>
    public const uint BadServerHalted = 0x800E0000;
    /// <summary>No processing could be done because there was nothing to do.</summary>
    public const uint BadNothingToDo = 0x800F0000;
    /// <summary>The request could not be processed because it specified too many operations.</summary>
    public const uint BadTooManyOperations = 0x80100000;
    /// <summary>The extension object cannot be (de)serialized because the data type id is not recognized.</summary>
    public const uint BadDataTypeIdUnknown = 0x80110000;
    /// <summary>The certificate provided as a parameter is not valid.</summary>
    public const uint BadCertificateInvalid = 0x80120000;
    /// <summary>An error occurred verifying security.</summary>
    public const uint BadSecurityChecksFailed = 0x80130000;
    /// <summary>The certificate does not meet the requirements of the security policy.</summary>
    public const uint BadCertificatePolicyCheckFailed = 0x81140000;
    /// <summary>The certificate has expired or is not yet valid.</summary>
    public const uint BadCertificateTimeInvalid = 0x80140000;
    /// <summary>An issuer certificate has expired or is not yet valid.</summary>
    public const uint BadCertificateIssuerTimeInvalid = 0x80150000;
    /// <summary>The HostName used to connect to a server does not match a HostName in the certificate.</summary>
    public const uint BadCertificateHostNameInvalid = 0x80160000;
    /// <summary>The URI specified in the ApplicationDescription does not match the URI in the certificate.</summary>
    public const uint BadCertificateUriInvalid = 0x80170000;
    /// <summary>The certificate may not be used for the requested operation.</summary>
    public const uint BadCertificateUseNotAllowed = 0x80180000;
    /// <summary>The issuer certificate may not be used for the requested operation.</summary>
    public const uint BadCertificateIssuerUseNotAllowed = 0x80190000;
    /// <summary>The certificate is not trusted.</summary>
    public const uint BadCertificateUntrusted = 0x801A0000;
    /// <summary>It was not possible to determine if the certificate has been revoked.</summary>
    public const uint BadCertificateRevocationUnknown = 0x801B0000;
    /// <summary>It was not possible to determine if the issuer certificate has been revoked.</summary>
    public const uint BadCertificateIssuerRevocationUnknown = 0x801C0000;
    /// <summary>The certificate has been revoked.</summary>
    public const uint BadCertificateRevoked = 0x801D0000;
    /// <summary>The issuer certificate has been revoked.</summary>
    public const uint BadCertificateIssuerRevoked = 0x801E0000;
    /// <summary>The certificate chain is incomplete.</summary>
    public const uint BadCertificateChainIncomplete = 0x810D0000;
    /// <summary>User does not have permission to perform the requested operation.</summary>
    public const uint BadUserAccessDenied = 0x801F0000;
    /// <summary>The user identity token is not valid.</summary>
    public const uint BadIdentityTokenInvalid = 0x80200000;
    /// <summary>The user identity token is valid but the server has rejected it.</summary>
    public const uint BadIdentityTokenRejected = 0x80210000;
    /// <summary>The specified secure channel is no longer valid.</summary>
    public const uint BadSecureChannelIdInvalid = 0x80220000;
    /// <summary>The timestamp is outside the range allowed by the server.</summary>
    public const uint BadInvalidTimestamp = 0x80230000;
    /// <summary>The nonce does appear to be not a random value or it is not the correct length.</summary>
    public const uint BadNonceInvalid = 0x80240000;
    /// <summary>The session id is not valid.</summary>
    public const uint BadSessionIdInvalid = 0x80250000;
    /// <summary>The session was closed by the client.</summary>
    public const uint BadSessionClosed = 0x80260000;
    /// <summary>The session cannot be used because ActivateSession has not been called.</summary>
    public const uint BadSessionNotActivated = 0x80270000;
    /// <summary>The subscription id is not valid.</summary>
    public const uint BadSubscriptionIdInvalid = 0x80280000;
    /// <summary>The header for the request is missing or invalid.</summary>
    public const uint BadRequestHeaderInvalid = 0x802A0000;
    /// <summary>The timestamps to return parameter is invalid.</summary>
    public const uint BadTimestampsToReturnInvalid = 0x802B0000;
    /// <summary>The request was cancelled by the client.</summary>
    public const uint BadRequestCancelledByClient = 0x802C0000;
    /// <summary>Too many arguments were provided.</summary>
    public const uint BadTooManyArguments = 0x80E50000;
    /// <summary>Communication with the data source is defined, but not established, and there is no last known value available.</summary>
    public const uint BadNoCommunication = 0x80310000;
    /// <summary>Waiting for the server to obtain values from the underlying data source.</summary>
    public const uint BadWaitingForInitialData = 0x80320000;
    /// <summary>The syntax the node id is not valid or refers to a node that is not valid for the operation.</summary>
    public const uint BadNodeIdInvalid = 0x80330000;
    /// <summary>The node id refers to a node that does not exist in the server address space.</summary>
    public const uint BadNodeIdUnknown = 0x80340000;
    /// <summary>The attribute is not supported for the specified Node.</summary>
    public const uint BadAttributeIdInvalid = 0x80350000;
    /// <summary>The syntax of the index range parameter is invalid.</summary>
    public const uint BadIndexRangeInvalid = 0x80360000;
    /// <summary>No data exists within the range of indexes specified.</summary>
    public const uint BadIndexRangeNoData = 0x80370000;
    /// <summary>The data encoding is invalid.</summary>
    public const uint BadDataEncodingInvalid = 0x80380000;
    /// <summary>The server does not support the requested data encoding for the node.</summary>
    public const uint BadDataEncodingUnsupported = 0x80390000;
    /// <summary>The access level does not allow reading or subscribing to the Node.</summary>
    public const uint BadNotReadable = 0x803A0000;
    /// <summary>The access level does not allow writing to the Node.</summary>
    public const uint BadNotWritable = 0x803B0000;
    /// <summary>The value was out of range.</summary>
    public const uint BadOutOfRange = 0x803C0000;
    /// <summary>The requested operation is not supported.</summary>
    public const uint BadNotSupported = 0x803D0000;
    /// <summary>A requested item was not found or a search operation ended without success.</summary>
    public const uint BadNotFound = 0x803E0000;
    /// <summary>The request was rejected by the server because it did not meet the criteria set by the server.</summary>
    public const uint BadRequestNotAllowed = 0x80E40000;
    /// <summary>The request has not been processed by the server yet.</summary>
    public const uint BadRequestNotComplete = 0x81130000;
    /// <summary>The object cannot be used because it has been deleted.</summary>
    public const uint BadObjectDeleted = 0x803F0000;
    /// <summary>Requested operation is not implemented.</summary>
    public const uint BadNotImplemented = 0x80400000;
    /// <summary>The monitoring mode is invalid.</summary>
    public const uint BadMonitoringModeInvalid = 0x80410000;
    /// <summary>The monitoring item id does not refer to a valid monitored item.</summary>
    public const uint BadMonitoredItemIdInvalid = 0x80420000;
    /// <summary>The monitored item filter parameter is not valid.</summary>
    public const uint BadMonitoredItemFilterInvalid = 0x80430000;
    /// <summary>The server does not support the requested monitored item filter.</summary>
    public const uint BadMonitoredItemFilterUnsupported = 0x80440000;
    /// <summary>A monitoring filter cannot be used in combination with the attribute specified.</summary>
    public const uint BadFilterNotAllowed = 0x80450000;
    /// <summary>A mandatory structured parameter was missing or null.</summary>
    public const uint BadStructureMissing = 0x80460000;
    /// <summary>The event filter is not valid.</summary>
    public const uint BadEventFilterInvalid = 0x80470000;
    /// <summary>The content filter is not valid.</summary>
    public const uint BadContentFilterInvalid = 0x80480000;
    /// <summary>The operand used in a content filter is not valid.</summary>
    public const uint BadFilterOperandInvalid = 0x80490000;
    /// <summary>An unrecognized operator was provided in a filter.</summary>
    public const uint BadFilterOperatorInvalid = 0x80C10000;
    /// <summary>A valid operator was provided, but the server does not provide support for this filter operator.</summary>
    public const uint BadFilterOperatorUnsupported = 0x80C20000;
    /// <summary>The number of operands provided for the filter operator was less then expected for the operand provided.</summary>
    public const uint BadFilterOperandCountMismatch = 0x80C30000;
    /// <summary>The referenced element is not a valid element in the content filter.</summary>
    public const uint BadFilterElementInvalid = 0x80C40000;
    /// <summary>The referenced literal is not a valid value.</summary>
    public const uint BadFilterLiteralInvalid = 0x80C50000;
    /// <summary>The type definition node id does not reference an appropriate type node.</summary>
    public const uint BadTypeDefinitionInvalid = 0x80630000;
    /// <summary>The continuation point provide is longer valid.</summary>
    public const uint BadContinuationPointInvalid = 0x804A0000;
    /// <summary>The operation could not be processed because all continuation points have been allocated.</summary>
    public const uint BadNoContinuationPoints = 0x804B0000;
    /// <summary>The reference type id does not refer to a valid reference type node.</summary>
    public const uint BadReferenceTypeIdInvalid = 0x804C0000;
    /// <summary>The browse direction is not valid.</summary>
    public const uint BadBrowseDirectionInvalid = 0x804D0000;
    /// <summary>The node is not part of the view.</summary>
    public const uint BadNodeNotInView = 0x804E0000;
    /// <summary>The ServerUri is not a valid URI.</summary>
    public const uint BadServerUriInvalid = 0x804F0000;
    /// <summary>No ServerName was specified.</summary>
    public const uint BadServerNameMissing = 0x80500000;
    /// <summary>No DiscoveryUrl was specified.</summary>
    public const uint BadDiscoveryUrlMissing = 0x80510000;
    /// <summary>The security token request type is not valid.</summary>
    public const uint BadRequestTypeInvalid = 0x80530000;
    /// <summary>The security mode does not meet the requirements set by the server.</summary>
    public const uint BadSecurityModeRejected = 0x80540000;
    /// <summary>The security policy does not meet the requirements set by the server.</summary>
    public const uint BadSecurityPolicyRejected = 0x80550000;
    /// <summary>The server has reached its maximum number of sessions.</summary>
    public const uint BadTooManySessions = 0x80560000;
    /// <summary>The user token signature is missing or invalid.</summary>
    public const uint BadUserSignatureInvalid = 0x80570000;
    /// <summary>The signature generated with the client certificate is missing or invalid.</summary>
    public const uint BadApplicationSignatureInvalid = 0x80580000;
    /// <summary>The client did not provide at least one software certificate that is valid and meets the profile requirements for the server.</summary>
    public const uint BadNoValidCertificates = 0x80590000;
    /// <summary>The server does not support changing the user identity assigned to the session.</summary>
    public const uint BadIdentityChangeNotSupported = 0x80C60000;
    /// <summary>The value supplied for the attribute is not of the same type as the attribute's value.</summary>
    public const uint BadTypeMismatch = 0x80740000;
    /// <summary>The method id does not refer to a method for the specified object.</summary>
    public const uint BadMethodInvalid = 0x80750000;
    /// <summary>The client did not specify all of the input arguments for the method.</summary>
    public const uint BadArgumentsMissing = 0x80760000;
    /// <summary>The server has reached its maximum number of subscriptions.</summary>
    public const uint BadTooManySubscriptions = 0x80770000;
    /// <summary>The server has reached the maximum number of queued publish requests.</summary>
    public const uint BadTooManyPublishRequests = 0x80780000;
    /// <summary>There is no subscription available for this session.</summary>
    public const uint BadNoSubscription = 0x80790000;
    /// <summary>The sequence number is unknown to the server.</summary>
    public const uint BadSequenceNumberUnknown = 0x807A0000;
    /// <summary>The requested notification message is no longer available.</summary>
    public const uint BadMessageNotAvailable = 0x807B0000;
    /// <summary>The server cannot process the request because it is too busy.</summary>
    public const uint BadTcpServerTooBusy = 0x807D0000;
    /// <summary>The type of the message specified in the header invalid.</summary>
    public const uint BadTcpMessageTypeInvalid = 0x807E0000;
    /// <summary>The SecureChannelId and/or TokenId are not currently in use.</summary>
    public const uint BadTcpSecureChannelUnknown = 0x807F0000;
    /// <summary>The size of the message chunk specified in the header is too large.</summary>
    public const uint BadTcpMessageTooLarge = 0x80800000;
    /// <summary>There are not enough resources to process the request.</summary>
    public const uint BadTcpNotEnoughResources = 0x80810000;
    /// <summary>An internal error occurred.</summary>
    public const uint BadTcpInternalError = 0x80820000;
    /// <summary>The server does not recognize the QueryString specified.</summary>
    public const uint BadTcpEndpointUrlInvalid = 0x80830000;
    /// <summary>The request could not be sent because of a network interruption.</summary>
    public const uint BadRequestInterrupted = 0x80840000;
    /// <summary>Timeout occurred while processing the request.</summary>
    public const uint BadRequestTimeout = 0x80850000;
    /// <summary>The secure channel has been closed.</summary>
    public const uint BadSecureChannelClosed = 0x80860000;
    /// <summary>The token has expired or is not recognized.</summary>
    public const uint BadSecureChannelTokenUnknown = 0x80870000;
    /// <summary>The sequence number is not valid.</summary>
    public const uint BadSequenceNumberInvalid = 0x80880000;
    /// <summary>The applications do not have compatible protocol versions.</summary>
    public const uint BadProtocolVersionUnsupported = 0x80BE0000;
    /// <summary>There is a problem with the configuration that affects the usefulness of the value.</summary>
    public const uint BadConfigurationError = 0x80890000;
    /// <summary>The variable should receive its value from another variable, but has never been configured to do so.</summary>
    public const uint BadNotConnected = 0x808A0000;
    /// <summary>One or more arguments are invalid.</summary>
    public const uint BadInvalidArgument = 0x80AB0000;
    /// <summary>The operation is not permitted over the current secure channel.</summary>
    public const uint BadSecurityModeInsufficient = 0x80E60000;
    /// <summary>The server does not support writing the combination of value, status and timestamps provided.</summary>
    public const uint BadWriteNotSupported = 0x80730000;
    /// <summary>The request could not be processed because there are too many monitored items in the subscription.</summary>
    public const uint BadTooManyMonitoredItems = 0x80DB0000;
    /// <summary>The max age parameter is invalid.</summary>
    public const uint BadMaxAgeInvalid = 0x80700000;
    /// <summary>No data exists for the requested time range or event filter.</summary>
    public const uint BadNoData = 0x809B0000;
    /// <summary>The operation cannot be completed because the object is closed, uninitialized or in some other invalid state.</summary>
    public const uint BadInvalidState = 0x80AF0000;
    /// <summary>The network connection has been closed.</summary>
    public const uint BadConnectionClosed = 0x80AE0000;
    /// <summary>The deadband filter is not valid.</summary>
    public const uint BadDeadbandFilterInvalid = 0x808E0000;
    /// <summary>The subscription was transferred to another session.</summary>
    public const uint GoodSubscriptionTransferred = 0x002D0000;
    /// <summary>The processing will complete asynchronously.</summary>
    public const uint GoodCompletesAsynchronously = 0x002E0000;
    /// <summary>No data exists for the requested time range or event filter.</summary>
    public const uint GoodNoData = 0x00A50000;
    /// <summary>More data is available in the time range beyond the number of values requested.</summary>
    public const uint GoodMoreData = 0x00A60000;
    /// <summary>The requested node id is already used by another node.</summary>
    public const uint BadNodeIdExists = 0x805E0000;
    /// <summary>The source node id does not reference a valid node.</summary>
    public const uint BadSourceNodeIdInvalid = 0x80640000;
    /// <summary>The executable attribute does not allow the execution of the method.</summary>
    public const uint BadNotExecutable = 0x81110000;
    /// <summary>The requested operation has no match to return.</summary>
    public const uint BadNoMatch = 0x806F0000;
    /// <summary>The view id does not refer to a valid view node.</summary>
    public const uint BadViewIdUnknown = 0x806B0000;
    /// <summary>The browse name is invalid.</summary>
    public const uint BadBrowseNameInvalid = 0x80600000;
    /// <summary>The value is an initial value for a variable that normally receives its value from another variable.</summary>
    public const uint UncertainInitialValue = 0x40920000;

    private static readonly Dictionary<uint, string> Names = typeof(StatusCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .ToDictionary(f => (uint)f.GetRawConstantValue()!, f => f.Name);

    /// <summary>The symbolic name of a code (its top 16 bits), or its hex value when unknown.</summary>
    public static string NameOf(uint code) => Names.TryGetValue(code & 0xFFFF0000, out var name) ? name : $"0x{code:X8}";

    /// <summary>All named codes, for conformance checks against other stacks.</summary>
    public static IReadOnlyDictionary<uint, string> All => Names;
}
