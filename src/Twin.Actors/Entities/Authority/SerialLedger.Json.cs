using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Authority;

public sealed partial class SerialLedger
{
    /// <summary>
    /// The ledger in a snapshot (ca.state.v2): <c>{"count": N, "entries": base64url}</c> (RFC 4648 §5: nothing in it needs
    /// escaping in JSON, where standard base64's '+' becomes six characters), the entries in issuance order, each a
    /// kinds octet (1: record kept, 2: longer than 16 octets, 4: issued on request), the serial (16 octets big-endian, or a
    /// length octet and the octets), the key generation (2 octets) when issued on request, the record's notAfter (UTC ticks,
    /// 8 octets) when kept: 36 characters for a serial with its key and record, where ca.state.v1 wrote about 130.
    /// </summary>
    internal sealed class SerialLedgerJson : JsonConverter<SerialLedger>
    {
        public override SerialLedger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("Serial ledger: expected an object.");
            var count = -1;
            byte[]? entries = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "count": count = reader.GetInt32(); break;
                    case "entries": entries = FromBase64Url(reader.GetString()); break;
                    default: reader.Skip(); break;
                }
            }
            if (count < 0 || entries is null) throw new JsonException("Serial ledger: 'count' and 'entries' are required.");
            var ledger = Decode(entries);
            if (ledger.Count != count) throw new JsonException($"Serial ledger: {ledger.Count} entries where 'count' says {count}.");
            return ledger;
        }

        private static byte[] FromBase64Url(string? text)
        {
            try
            {
                return System.Buffers.Text.Base64Url.DecodeFromChars(text ?? "");
            }
            catch (FormatException e)
            {
                throw new JsonException($"Serial ledger: 'entries' is not base64url: {e.Message}", e);
            }
        }

        public override void Write(Utf8JsonWriter writer, SerialLedger value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteNumber("count", value.Count);
            writer.WriteString("entries", System.Buffers.Text.Base64Url.EncodeToString(value.Encode()));
            writer.WriteEndObject();
        }
    }

    private byte[] Encode()
    {
        using var stream = new MemoryStream(Count * 27);
        Span<byte> buffer = stackalloc byte[27];
        for (var i = 0; i < Count; i++)
        {
            var e = _store.At(i);
            var kinds = e.Kinds & ~Kinds.Record | (HasRecord(ref e) ? Kinds.Record : Kinds.None);
            stream.WriteByte((byte)kinds);
            if ((kinds & Kinds.Long) != 0)
            {
                var octets = Convert.FromHexString(_store.Long[(int)e.Serial]);
                stream.WriteByte((byte)octets.Length);
                stream.Write(octets);
            }
            else
            {
                BinaryPrimitives.WriteUInt128BigEndian(buffer, e.Serial);
                stream.Write(buffer[..16]);
            }
            if ((kinds & Kinds.Generation) != 0)
            {
                BinaryPrimitives.WriteInt16BigEndian(buffer, e.Generation);
                stream.Write(buffer[..2]);
            }
            if ((kinds & Kinds.Record) != 0)
            {
                BinaryPrimitives.WriteInt64BigEndian(buffer, e.NotAfterTicks);
                stream.Write(buffer[..8]);
            }
        }
        return stream.ToArray();
    }

    private static SerialLedger Decode(ReadOnlySpan<byte> bytes)
    {
        var ledger = Empty;
        var at = 0;
        while (at < bytes.Length)
        {
            var entry = at;
            var kinds = (Kinds)bytes[at++];
            if ((kinds & ~(Kinds.Record | Kinds.Long | Kinds.Generation)) != 0) throw new JsonException($"Serial ledger: entry at octet {entry} has unknown kinds {(byte)kinds}.");
            SerialNumber serial;
            int? generation = null;
            DateTimeOffset? notAfter = null;
            try
            {
                if ((kinds & Kinds.Long) != 0)
                {
                    int length = bytes[at++];
                    serial = new SerialNumber(bytes.Slice(at, length).ToArray());
                    at += length;
                }
                else
                {
                    serial = SerialSet.FromValue(BinaryPrimitives.ReadUInt128BigEndian(bytes.Slice(at, 16)));
                    at += 16;
                }
                if ((kinds & Kinds.Generation) != 0)
                {
                    generation = BinaryPrimitives.ReadInt16BigEndian(bytes.Slice(at, 2));
                    at += 2;
                }
                if ((kinds & Kinds.Record) != 0)
                {
                    notAfter = new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(bytes.Slice(at, 8)), TimeSpan.Zero);
                    at += 8;
                }
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or Twin.Pki.PkiException or ArgumentException)
            {
                throw new JsonException($"Serial ledger: entry at octet {entry} is cut short or malformed: {e.Message}", e);
            }
            ledger = ledger.Append(serial, generation, notAfter);
        }
        return ledger;
    }
}
