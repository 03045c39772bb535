using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Tests.Encoding;

/// <summary>
/// NodeIds read from a message: the same values in every encoding (Part 6 §5.2.2.9), owned by the NodeId and not by the
/// message buffer, and the standard type ids read without allocating (they come with every request and response).
/// </summary>
public sealed class NodeIdDecodingTests
{
    private static NodeId Decode(byte[] bytes)
    {
        var d = new BinaryDecoder(bytes);
        var id = d.ReadNodeId();
        d.EnsureEnd();
        return id;
    }

    // Part 6 §5.2.2.9 Table 9: two-byte (0x00), four-byte (0x01) and numeric (0x02) encodings of namespace 0 and others.
    [Theory]
    [InlineData("0048", 0, 72u)]
    [InlineData("01007702", 0, 631u)]
    [InlineData("0105D204", 5, 1234u)]
    [InlineData("020000E8030100", 0, 66536u)]
    [InlineData("0200001F000000", 0, 31u)]
    [InlineData("020200FF0F0000", 2, 4095u)]
    public void Numeric_NodeIds_decode_to_their_namespace_and_value(string hex, ushort ns, uint value)
    {
        var id = Decode(Convert.FromHexString(hex));

        Assert.Equal(new NodeId(value, ns), id);
        Assert.Equal(ns, id.NamespaceIndex);
        Assert.Equal(value, id.NumericId);
        Assert.Equal(IdType.Numeric, id.IdType);
    }

    [Fact]
    public void Numeric_NodeIds_of_namespace_0_compare_and_hash_by_value_whether_decoded_made_or_parsed()
    {
        var decoded = Decode(Convert.FromHexString("01007702"));

        Assert.Equal(new NodeId(631u), decoded);
        Assert.Equal(NodeId.Parse("i=631"), decoded);
        Assert.Equal(new NodeId(631u).GetHashCode(), decoded.GetHashCode());
        Assert.NotEqual(new NodeId(631u, 1), decoded);
        Assert.True(Decode(Convert.FromHexString("0000")).IsNull);
        Assert.Equal(NodeId.Null, (NodeId)0u);
    }

    // The decoder copies an opaque identifier out of the message: a receive buffer that is decrypted in place and handed back
    // to the pool must not change a NodeId read from it, nor the NodeId's bytes the buffer.
    [Fact]
    public void An_opaque_NodeId_does_not_share_the_message_buffer()
    {
        var message = Convert.FromHexString("0500000400000001020304");
        var id = Decode(message);

        message.AsSpan(7).Fill(0xEE);

        Assert.Equal(new NodeId(new byte[] { 1, 2, 3, 4 }, 0), id);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, (byte[])id.Identifier);
        ((byte[])id.Identifier)[0] = 9;
        Assert.Equal(new NodeId(new byte[] { 1, 2, 3, 4 }, 0), id);
    }

    // A request's type id and a response's BinaryEncodingId come with every message; reading or making them allocated a NodeId
    // and a boxed identifier each time.
    [Fact]
    public void Standard_type_ids_are_read_and_made_without_allocating()
    {
        var typeId = Convert.FromHexString("01007702");
        var response = new ReadResponse();
        Decode(typeId);
        _ = response.BinaryEncodingId;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = new BinaryDecoder(typeId).ReadNodeId();
        var afterRead = GC.GetAllocatedBytesForCurrentThread();
        var made = response.BinaryEncodingId;
        var afterMade = GC.GetAllocatedBytesForCurrentThread();

        // The decoder itself is one object; the NodeId it reads adds nothing.
        var decoderOnly = MeasureDecoder(typeId);
        Assert.Equal(decoderOnly, afterRead - before);
        Assert.Equal(0, afterMade - afterRead);
        Assert.Equal(new NodeId(631u), read);
        Assert.Equal(new NodeId(634u), made);
    }

    private static long MeasureDecoder(byte[] bytes)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var d = new BinaryDecoder(bytes);
        var after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(d);
        return after - before;
    }
}
