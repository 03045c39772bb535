using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Twin.Pki.Validation;
using Twin.Tests.Support;
using Xunit.Abstractions;

namespace Twin.Pki.Tests.Validation;

/// <summary>
/// Our path validation against `openssl verify -crl_check_all -attime` (an independent RFC 5280 §6
/// implementation) over a generated matrix of ≥200 cases. Both must agree on the verdict and on its cause.
/// </summary>
public sealed partial class OpenSslMatrixTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Generated_matrix_our_verdict_equals_openssl_verdict_in_every_case()
    {
        var cases = OpenSslMatrixCases.Build();
        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");
        var dir = RepoPaths.NewScratch("pki-matrix");
        var mismatches = new ConcurrentBag<string>();
        using var gate = new SemaphoreSlim(Math.Max(2, Environment.ProcessorCount * 2));

        await Task.WhenAll(cases.Select(async c =>
        {
            await gate.WaitAsync();
            try
            {
                var ours = new PathValidator(c.Anchors).Validate(c.Leaf, OpenSslMatrixCases.At, c.Untrusted, c.Crls);
                var openssl = await OpenSslVerdictAsync(dir, c);
                var ourCode = OpenSslCodeOf(ours);
                if (ourCode != openssl.Code || ours.IsValid != c.IntendedValid)
                    mismatches.Add($"{c.Name}: ours {ours.Status} (code {ourCode}: {ours}), openssl {openssl.Code} ({openssl.Text.Trim()}), intended {(c.IntendedValid ? "valid" : "invalid")}");
            }
            finally
            {
                gate.Release();
            }
        }));

        output.WriteLine($"{cases.Count} cases, {mismatches.Count} mismatches");
        Assert.True(mismatches.IsEmpty, string.Join('\n', mismatches.OrderBy(m => m, StringComparer.Ordinal)));
    }

    // The X509_V_ERR_* code openssl would print for the first error in our verdict (end entity first).
    private static int OpenSslCodeOf(ValidationResult result)
    {
        if (result.IsValid) return 0;
        return result.Errors.First() switch
        {
            ValidationReason.IssuerNotFound => 20,
            ValidationReason.SignatureInvalid => 7,
            ValidationReason.NotYetValid => 9,
            ValidationReason.Expired => 10,
            ValidationReason.NotACa => 24,
            ValidationReason.PathLengthExceeded => 25,
            ValidationReason.NameConstraintViolation => 47,
            ValidationReason.Revoked => 23,
            ValidationReason.CrlMissing => 3,
            ValidationReason.CrlExpired => 12,
            ValidationReason.CrlNotYetValid => 11,
            ValidationReason.CrlSignatureInvalid => 8,
            var other => throw new InvalidOperationException($"no openssl code mapped for {other}"),
        };
    }

    private static async Task<(int Code, string Text)> OpenSslVerdictAsync(string dir, MatrixCase c)
    {
        var prefix = Path.Combine(dir, c.Name);
        await File.WriteAllTextAsync(prefix + ".anchors.pem", string.Concat(c.Anchors.Select(a => a.ToPem())));
        await File.WriteAllTextAsync(prefix + ".leaf.pem", c.Leaf.ToPem());
        var args = new List<string> { "verify", "-attime", OpenSslMatrixCases.At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), "-CAfile", prefix + ".anchors.pem", "-crl_check_all" };
        if (c.Untrusted.Count > 0)
        {
            await File.WriteAllTextAsync(prefix + ".untrusted.pem", string.Concat(c.Untrusted.Select(u => u.ToPem())));
            args.AddRange(["-untrusted", prefix + ".untrusted.pem"]);
        }
        if (c.Crls.Count > 0)
        {
            await File.WriteAllTextAsync(prefix + ".crls.pem", string.Concat(c.Crls.Select(x => x.ToPem())), new UTF8Encoding(false));
            args.AddRange(["-CRLfile", prefix + ".crls.pem"]);
        }
        args.Add(prefix + ".leaf.pem");
        var run = await Peer.RunAsync("openssl", args);
        if (run.ExitCode == 0) return (0, run.All);
        var match = ErrorCode().Match(run.All);
        var code = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        // "unable to get issuer certificate" (2) and "unable to get local issuer certificate" (20) are the same finding here.
        return (code == 2 ? 20 : code, run.All);
    }

    [GeneratedRegex(@"error (\d+) at")]
    private static partial Regex ErrorCode();
}
