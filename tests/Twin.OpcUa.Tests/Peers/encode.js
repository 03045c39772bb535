// Encodes a fixed set of values with node-opcua's binary encoders and prints {name: hex}; the C# side encodes the same values.
const path = require("path");
const o = require(path.join(process.cwd(), "node_modules", "node-opcua"));
const { Variant, DataType, VariantArrayType, BinaryStream } = o;

function hex(write) {
    const s = new BinaryStream(4096);
    write(s);
    return s.buffer.subarray(0, s.length).toString("hex");
}
const v = (x) => hex((s) => o.encodeVariant(new Variant(x), s));
const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));

const out = {
    boolean: v({ dataType: DataType.Boolean, value: true }),
    sbyte: v({ dataType: DataType.SByte, value: -5 }),
    byte: v({ dataType: DataType.Byte, value: 250 }),
    int16: v({ dataType: DataType.Int16, value: -1234 }),
    uint16: v({ dataType: DataType.UInt16, value: 65000 }),
    int32: v({ dataType: DataType.Int32, value: -123456 }),
    uint32: v({ dataType: DataType.UInt32, value: 4000000000 }),
    int64: v({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0xffffffff, 0xfffffffe] }),
    uint64: v({ dataType: DataType.UInt64, arrayType: VariantArrayType.Scalar, value: [1, 2] }),
    float: v({ dataType: DataType.Float, value: 1.5 }),
    double: v({ dataType: DataType.Double, value: -2.25 }),
    string: v({ dataType: DataType.String, value: "水Boy" }),
    datetime: v({ dataType: DataType.DateTime, value: when }),
    guid: v({ dataType: DataType.Guid, value: "72962B91-FA75-4AE6-8D28-B404DC7DAF63" }),
    bytestring: v({ dataType: DataType.ByteString, value: Buffer.from([1, 2, 3]) }),
    xmlelement: v({ dataType: DataType.XmlElement, value: "<a>b</a>" }),
    nodeTwoByte: v({ dataType: DataType.NodeId, value: o.resolveNodeId("i=5") }),
    nodeFourByte: v({ dataType: DataType.NodeId, value: o.resolveNodeId("ns=1;i=300") }),
    nodeNumeric: v({ dataType: DataType.NodeId, value: o.resolveNodeId("ns=300;i=70000") }),
    nodeString: v({ dataType: DataType.NodeId, value: o.resolveNodeId("ns=2;s=Plant.Temperature") }),
    nodeGuid: v({ dataType: DataType.NodeId, value: o.resolveNodeId("ns=3;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63") }),
    nodeOpaque: v({ dataType: DataType.NodeId, value: o.resolveNodeId("ns=4;b=AQID") }),
    expanded: v({ dataType: DataType.ExpandedNodeId, value: new o.ExpandedNodeId(o.NodeIdType.NUMERIC, 5, 0, "urn:x", 3) }),
    statuscode: v({ dataType: DataType.StatusCode, value: o.StatusCodes.BadNodeIdUnknown }),
    qualifiedname: v({ dataType: DataType.QualifiedName, value: new o.QualifiedName({ namespaceIndex: 2, name: "Plant" }) }),
    localizedtext: v({ dataType: DataType.LocalizedText, value: new o.LocalizedText({ locale: "en", text: "Hello" }) }),
    extensionobject: v({ dataType: DataType.ExtensionObject, value: new o.Argument({ name: "a", dataType: "i=11", valueRank: 2, arrayDimensions: [2, 3], description: { text: "first" } }) }),
    int32array: v({ dataType: DataType.Int32, arrayType: VariantArrayType.Array, value: [1, 2, 3] }),
    stringarray: v({ dataType: DataType.String, arrayType: VariantArrayType.Array, value: ["a", "bc"] }),
    matrix: v({ dataType: DataType.Int32, arrayType: VariantArrayType.Matrix, dimensions: [2, 3], value: [1, 2, 3, 4, 5, 6] }),
    variantarray: v({ dataType: DataType.Variant, arrayType: VariantArrayType.Array, value: [new Variant({ dataType: DataType.Int32, value: 1 }), new Variant({ dataType: DataType.String, value: "x" })] }),
    datavalue: hex((s) => o.encodeDataValue(new o.DataValue({
        value: { dataType: DataType.Double, value: 3.5 }, statusCode: o.StatusCodes.UncertainInitialValue,
        sourceTimestamp: when, sourcePicoseconds: 10, serverTimestamp: when, serverPicoseconds: 20,
    }), s)),
    diagnosticinfo: hex((s) => o.encodeDiagnosticInfo(new o.DiagnosticInfo({
        symbolicId: 1, namespaceURI: 2, locale: 3, localizedText: 4, additionalInfo: "more", innerStatusCode: o.StatusCodes.BadTimeout,
        innerDiagnosticInfo: new o.DiagnosticInfo({ additionalInfo: "inner" }),
    }), s)),
};
const names = process.argv.slice(2);
const ids = {};
for (const n of names) ids[n] = o.ObjectIds[n + "_Encoding_DefaultBinary"] ?? null;
const codes = {};
for (const [k, c] of Object.entries(o.StatusCodes)) if (c && typeof c.value === "number") codes[k] = c.value;
const objectTypes = {};
for (const [k, id] of Object.entries(o.ObjectTypeIds)) if (k.startsWith("Audit")) objectTypes[k] = id;
console.log(JSON.stringify({ values: out, encodingIds: ids, statusCodes: codes, auditTypes: objectTypes }));
