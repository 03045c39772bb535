using System.Diagnostics;
using System.Security.Cryptography;
using Twin.OpcUa.SecureChannel;

namespace Twin.OpcUa.Tests.Security;

/// <summary>
/// The HMAC and AES-CBC contexts kept per token and direction give, chunk after chunk, what a fresh computation gives: every
/// chunk encrypted from the token's IV (Part 6 §6.7.2.5, §6.7.5). The oracle is the openssl command line.
/// </summary>
public sealed class SymmetricKeysTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    public void Kept_AES_context_encrypts_every_chunk_from_the_token_IV_like_openssl(int keyLength)
    {
        using var keys = new SymmetricKeys(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(keyLength), RandomNumberGenerator.GetBytes(16));
        // Chunks of different lengths, one after the other on the same keys, as a channel sends them.
        foreach (var blocks in new[] { 1, 7, 3, 64, 2 })
        {
            var plain = RandomNumberGenerator.GetBytes(blocks * 16);
            var buffer = new byte[plain.Length + 5];
            plain.CopyTo(buffer, 5);

            keys.EncryptCbcInPlace(buffer, 5, plain.Length);

            var expected = OpenSsl(plain, "enc", $"-aes-{keyLength * 8}-cbc", "-nopad", "-K", Convert.ToHexString(keys.EncryptingKey), "-iv", Convert.ToHexString(keys.InitializationVector));
            Assert.Equal(expected, buffer[5..]);
        }
    }

    [Fact]
    public void Kept_AES_context_decrypts_every_chunk_from_the_token_IV_like_openssl()
    {
        using var keys = new SymmetricKeys(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(16));
        foreach (var blocks in new[] { 4, 1, 33, 2 })
        {
            var plain = RandomNumberGenerator.GetBytes(blocks * 16);
            var cipher = OpenSsl(plain, "enc", "-aes-256-cbc", "-nopad", "-K", Convert.ToHexString(keys.EncryptingKey), "-iv", Convert.ToHexString(keys.InitializationVector));

            keys.DecryptCbcInPlace(cipher, 0, cipher.Length);

            Assert.Equal(plain, cipher);
        }
    }

    [Fact]
    public void Kept_HMAC_context_signs_each_chunk_alone_and_rejects_a_changed_byte()
    {
        using var keys = new SymmetricKeys(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(16));
        foreach (var length in new[] { 100, 1, 5000 })
        {
            var data = RandomNumberGenerator.GetBytes(length);
            var signature = new byte[32];

            keys.Sign(data, signature);

            var expected = OpenSsl(data, "mac", "-digest", "SHA256", "-macopt", "hexkey:" + Convert.ToHexString(keys.SigningKey), "-binary", "HMAC");
            Assert.Equal(expected, signature);
            Assert.True(keys.Verify(data, signature));
            data[length / 2] ^= 1;
            Assert.False(keys.Verify(data, signature));
        }
    }

    private static byte[] OpenSsl(byte[] input, params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        Assert.True(process.WaitForExit(30_000), "openssl did not finish");
        Assert.True(process.ExitCode == 0, "openssl failed: " + stderr.Result);
        return output.ToArray();
    }
}
