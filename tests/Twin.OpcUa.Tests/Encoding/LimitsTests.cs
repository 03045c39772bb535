using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Tests.Encoding;

/// <summary>Every decode is bounded by the one EncodingLimits object and fails with a typed exception carrying the status code.</summary>
public sealed class LimitsTests
{
    private static readonly EncodingLimits Small = new() { MaxStringLength = 8, MaxByteStringLength = 8, MaxArrayLength = 4, MaxNestingDepth = 4 };

    private static byte[] Encode(Action<BinaryEncoder> write)
    {
        var e = new BinaryEncoder();
        write(e);
        return e.ToArray();
    }

    // Part 6 §5.2.2.4: a String longer than the receiver's limit is BadEncodingLimitsExceeded, checked before allocating.
    [Fact]
    public void String_longer_than_the_limit_is_BadEncodingLimitsExceeded()
    {
        var bytes = Encode(e => e.WriteString("123456789"));
        var ex = Assert.Throws<UaEncodingException>(() => new BinaryDecoder(bytes, Small).ReadString());
        Assert.Equal(StatusCodes.BadEncodingLimitsExceeded, ex.StatusCode.Code);
    }

    [Fact]
    public void ByteString_and_array_limits_are_BadEncodingLimitsExceeded()
    {
        var bytes = Encode(e => e.WriteByteString(new byte[9]));
        var array = Encode(e => e.WriteUInt32Array([1, 2, 3, 4, 5]));
        var variantArray = Encode(e => e.WriteVariant(new Variant(BuiltInType.Int32, new[] { 1, 2, 3, 4, 5 })));

        Assert.Equal(StatusCodes.BadEncodingLimitsExceeded, Assert.Throws<UaEncodingException>(() => new BinaryDecoder(bytes, Small).ReadByteString()).StatusCode.Code);
        Assert.Equal(StatusCodes.BadEncodingLimitsExceeded, Assert.Throws<UaEncodingException>(() => new BinaryDecoder(array, Small).ReadUInt32Array()).StatusCode.Code);
        Assert.Equal(StatusCodes.BadEncodingLimitsExceeded, Assert.Throws<UaEncodingException>(() => new BinaryDecoder(variantArray, Small).ReadVariant()).StatusCode.Code);
    }

    // Part 6 §5.2.2.16: Variants nest through Variant arrays; nesting beyond MaxNestingDepth is refused.
    [Fact]
    public void Nesting_deeper_than_the_limit_is_BadEncodingLimitsExceeded()
    {
        Variant v = 1;
        for (var i = 0; i < 6; i++) v = new Variant(BuiltInType.Variant, new[] { v });
        var bytes = Encode(e => e.WriteVariant(v));

        var ex = Assert.Throws<UaEncodingException>(() => new BinaryDecoder(bytes, Small).ReadVariant());
        var ok = new BinaryDecoder(bytes, EncodingLimits.Default).ReadVariant();

        Assert.Equal(StatusCodes.BadEncodingLimitsExceeded, ex.StatusCode.Code);
        Assert.Equal(v, ok);
    }

    // Part 6 §5.2.1: truncated input, a negative length other than -1, bad UTF-8 and unknown encodings are BadDecodingError.
    [Theory]
    [InlineData("0c05000000414243")]          // String of 5 with 3 bytes
    [InlineData("0cfeffffff")]                // String length -2
    [InlineData("0c02000000c328")]            // invalid UTF-8
    [InlineData("1106")]                      // NodeId encoding 6
    [InlineData("1a")]                        // Variant type id 26
    [InlineData("86ffffff7f")]                // Int32 array of 2^31-1 elements in 0 bytes
    [InlineData("c6020000000100000002000000010000000300000000")] // matrix dimensions that do not match
    public void Malformed_input_is_BadDecodingError(string hex)
    {
        var ex = Assert.ThrowsAny<UaEncodingException>(() => new BinaryDecoder(Convert.FromHexString(hex), new EncodingLimits { MaxArrayLength = int.MaxValue }).ReadVariant());
        Assert.Equal(StatusCodes.BadDecodingError, ex.StatusCode.Code);
    }

    // Part 6 §5.2.2.4 example: "水Boy" is 06 00 00 00 E6 B0 B4 42 6F 79.
    [Fact]
    public void String_encoding_matches_the_specification_example()
    {
        Assert.Equal("06000000E6B0B4426F79", Convert.ToHexString(Encode(e => e.WriteString("水Boy"))));
        Assert.Equal("FFFFFFFF", Convert.ToHexString(Encode(e => e.WriteString(null))));
    }

    // Part 6 §5.2.2.9 Table 9 examples: two-byte, four-byte and string NodeIds.
    [Fact]
    public void NodeId_encodings_match_the_specification_examples()
    {
        Assert.Equal("0072", Convert.ToHexString(Encode(e => e.WriteNodeId(new NodeId(114)))));
        Assert.Equal("0105D204", Convert.ToHexString(Encode(e => e.WriteNodeId(new NodeId(1234, 5)))));
        Assert.Equal("03010006000000486F74E6B0B4", Convert.ToHexString(Encode(e => e.WriteNodeId(new NodeId("Hot水", 1)))));
        Assert.Equal(new NodeId("Plant", 2), NodeId.Parse("ns=2;s=Plant"));
        Assert.Equal(StatusCodes.BadNodeIdInvalid, Assert.Throws<UaException>(() => NodeId.Parse("x=1")).StatusCode.Code);
    }

    // Part 6 §5.2.2.5: DateTime before 1601 encodes as 0 and 0 decodes as DateTime.MinValue.
    [Fact]
    public void DateTime_clamps_at_the_epoch()
    {
        Assert.Equal("0000000000000000", Convert.ToHexString(Encode(e => e.WriteDateTime(new DateTime(1500, 1, 1, 0, 0, 0, DateTimeKind.Utc)))));
        Assert.Equal(DateTime.MinValue, new BinaryDecoder(new byte[8]).ReadDateTime());
    }

    [Fact]
    public void Trailing_bytes_after_a_message_are_BadDecodingError()
    {
        var bytes = BinaryEncoder.Encode(new ReadRequest { NodesToRead = [] }).Concat(new byte[] { 0 }).ToArray();
        var ex = Assert.Throws<UaEncodingException>(() => BinaryDecoder.Decode<ReadRequest>(bytes));
        Assert.Equal(StatusCodes.BadDecodingError, ex.StatusCode.Code);
    }
}
