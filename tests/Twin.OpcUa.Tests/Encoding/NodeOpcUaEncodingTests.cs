using System.Text.Json;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Encoding;

/// <summary>Our binary encoding compared byte for byte with node-opcua's encoders, and our constants with its tables.</summary>
public sealed class NodeOpcUaEncodingTests
{
    private static readonly Lazy<Task<JsonElement>> Peer = new(async () =>
    {
        var names = KnownTypes.All.Select(t => t.GetType().Name).ToArray();
        var result = await Twin.Tests.Support.Peer.RunAsync("node", [Path.Combine(AppContext.BaseDirectory, "Peers", "encode.js"), .. names],
            Path.Combine(RepoPaths.Root, "tests", "peers"), TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.All);
        return JsonDocument.Parse(result.StdOut.Split('\n').First(l => l.StartsWith('{'))).RootElement.Clone();
    });

    private static readonly DateTime When = new(2024, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
    private static readonly Guid SomeGuid = Guid.Parse("72962B91-FA75-4AE6-8D28-B404DC7DAF63");

    /// <summary>The values encode.js encodes, built with our types.</summary>
    public static TheoryData<string> Names => new(Values.Keys);

    private static readonly Dictionary<string, Variant> Values = new()
    {
        ["boolean"] = true,
        ["sbyte"] = new Variant(BuiltInType.SByte, (sbyte)-5),
        ["byte"] = new Variant(BuiltInType.Byte, (byte)250),
        ["int16"] = new Variant(BuiltInType.Int16, (short)-1234),
        ["uint16"] = new Variant(BuiltInType.UInt16, (ushort)65000),
        ["int32"] = -123456,
        ["uint32"] = 4_000_000_000u,
        ["int64"] = -2L,
        ["uint64"] = new Variant(BuiltInType.UInt64, 0x0000000100000002UL),
        ["float"] = 1.5f,
        ["double"] = -2.25,
        ["string"] = "水Boy",
        ["datetime"] = When,
        ["guid"] = new Variant(BuiltInType.Guid, SomeGuid),
        ["bytestring"] = new Variant(BuiltInType.ByteString, new byte[] { 1, 2, 3 }),
        ["xmlelement"] = new Variant(BuiltInType.XmlElement, new XmlElement("<a>b</a>")),
        ["nodeTwoByte"] = new Variant(BuiltInType.NodeId, new NodeId(5)),
        ["nodeFourByte"] = new Variant(BuiltInType.NodeId, new NodeId(300, 1)),
        ["nodeNumeric"] = new Variant(BuiltInType.NodeId, new NodeId(70000, 300)),
        ["nodeString"] = new Variant(BuiltInType.NodeId, new NodeId("Plant.Temperature", 2)),
        ["nodeGuid"] = new Variant(BuiltInType.NodeId, new NodeId(SomeGuid, 3)),
        ["nodeOpaque"] = new Variant(BuiltInType.NodeId, new NodeId(new byte[] { 1, 2, 3 }, 4)),
        ["expanded"] = new Variant(BuiltInType.ExpandedNodeId, new ExpandedNodeId(new NodeId(5), "urn:x", 3)),
        ["statuscode"] = new Variant(BuiltInType.StatusCode, new StatusCode(StatusCodes.BadNodeIdUnknown)),
        ["qualifiedname"] = new Variant(BuiltInType.QualifiedName, new QualifiedName(2, "Plant")),
        ["localizedtext"] = new Variant(BuiltInType.LocalizedText, new LocalizedText("en", "Hello")),
        ["extensionobject"] = new Variant(BuiltInType.ExtensionObject, new ExtensionObject(new Argument { Name = "a", DataType = 11u, ValueRank = 2, ArrayDimensions = [2, 3], Description = new LocalizedText("first") })),
        ["int32array"] = new Variant(BuiltInType.Int32, new[] { 1, 2, 3 }),
        ["stringarray"] = new Variant(BuiltInType.String, new[] { "a", "bc" }),
        ["matrix"] = new Variant(BuiltInType.Int32, new[] { 1, 2, 3, 4, 5, 6 }, [2, 3]),
        ["variantarray"] = new Variant(BuiltInType.Variant, new Variant[] { 1, "x" }),
    };

    // Part 6 §5.2.2 built-in types and §5.2.2.16 Variant: every value encodes to node-opcua's bytes and decodes back from them.
    [Theory]
    [MemberData(nameof(Names))]
    public async Task Variant_encoding_matches_node_opcua(string name)
    {
        var peer = await Peer.Value;
        var theirs = Convert.FromHexString(peer.GetProperty("values").GetProperty(name).GetString()!);
        var e = new BinaryEncoder();
        e.WriteVariant(Values[name]);

        var decoded = new BinaryDecoder(theirs).ReadVariant();
        var again = new BinaryEncoder();
        again.WriteVariant(decoded);

        if (name == "expanded")
        {
            // Part 6 §5.2.2.10 lets an ExpandedNodeId use any NodeId form; node-opcua picks the four-byte-namespace one, we the shortest.
            Assert.Equal(Values[name].Value, decoded.Value);
        }
        else
        {
            Assert.Equal(Convert.ToHexString(theirs), Convert.ToHexString(e.Written));
            Assert.Equal(Convert.ToHexString(theirs), Convert.ToHexString(again.Written));
        }
    }

    // Part 6 §5.2.2.17 DataValue (picoseconds count 10 ps units) and §5.2.2.12 DiagnosticInfo field order.
    [Fact]
    public async Task DataValue_and_DiagnosticInfo_encodings_match_node_opcua()
    {
        var peer = await Peer.Value.ConfigureAwait(true);
        var dv = new DataValue(3.5, StatusCodes.UncertainInitialValue, When, When) { SourcePicoseconds = 1, ServerPicoseconds = 2 };
        var di = new DiagnosticInfo { SymbolicId = 1, NamespaceUri = 2, Locale = 3, LocalizedText = 4, AdditionalInfo = "more", InnerStatusCode = StatusCodes.BadTimeout, InnerDiagnosticInfo = new DiagnosticInfo { AdditionalInfo = "inner" } };
        var e1 = new BinaryEncoder();
        e1.WriteDataValue(dv);
        var e2 = new BinaryEncoder();
        e2.WriteDiagnosticInfo(di);

        Assert.Equal(peer.GetProperty("values").GetProperty("datavalue").GetString(), Convert.ToHexStringLower(e1.Written));
        Assert.Equal(peer.GetProperty("values").GetProperty("diagnosticinfo").GetString(), Convert.ToHexStringLower(e2.Written));
        Assert.Equal(dv, new BinaryDecoder(e1.ToArray()).ReadDataValue());
        Assert.Equal(di, new BinaryDecoder(e2.ToArray()).ReadDiagnosticInfo());
    }

    // Part 6 Annex A: each structure's DefaultBinary encoding NodeId, as node-opcua's generated tables have it.
    [Fact]
    public async Task Encoding_ids_of_every_known_structure_match_node_opcua()
    {
        var ids = (await Peer.Value).GetProperty("encodingIds");
        var mismatches = KnownTypes.All
            .Where(t => ids.GetProperty(t.GetType().Name) is var j && (j.ValueKind != JsonValueKind.Number || j.GetUInt32() != t.BinaryEncodingId.NumericId))
            .Select(t => $"{t.GetType().Name}: ours {t.BinaryEncodingId}, node-opcua {ids.GetProperty(t.GetType().Name)}")
            .ToList();
        Assert.Empty(mismatches);
    }

    // Part 4 §7.39 / Part 6 Annex A StatusCode.csv: every named code we define has node-opcua's value.
    [Fact]
    public async Task Status_code_values_match_node_opcua()
    {
        var theirs = (await Peer.Value).GetProperty("statusCodes");
        var mismatches = StatusCodes.All
            .Where(kv => !theirs.TryGetProperty(kv.Value, out var v) || v.GetUInt32() != kv.Key)
            .Select(kv => $"{kv.Value} = 0x{kv.Key:X8}")
            .ToList();
        Assert.True(StatusCodes.All.Count > 120);
        Assert.Empty(mismatches);
    }

    // Part 5 §6.4: the audit event types we raise carry the standard NodeIds, as node-opcua's ObjectTypeIds name them.
    [Fact]
    public async Task Audit_event_type_ids_match_node_opcua()
    {
        var theirs = (await Peer.Value).GetProperty("auditTypes");
        var ours = typeof(Twin.OpcUa.Server.AuditEventTypes).GetFields().Where(f => f.FieldType == typeof(NodeId)).ToList();
        var mismatches = ours
            .Where(f => !theirs.TryGetProperty(f.Name, out var v) || v.GetUInt32() != ((NodeId)f.GetValue(null)!).NumericId)
            .Select(f => $"{f.Name} = {f.GetValue(null)}")
            .ToList();
        Assert.Equal(10, ours.Count);
        Assert.Empty(mismatches);
    }
}
