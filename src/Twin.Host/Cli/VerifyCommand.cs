using System.CommandLine;
using System.Text;
using Twin.Actors.Clock;
using Twin.Pki;
using Twin.Pki.Certificates;
using Twin.Pki.Encoding;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Host.Cli;

/// <summary>
/// `verify --cert FILE --trust FILE... [--untrusted FILE...] [--crl FILE...] --at INSTANT`: the verdict
/// of Twin.Pki's path validator on a certificate from anywhere, with the reason for every certificate
/// of the path. Files are PEM (bundles allowed) or DER.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var cert = new Option<string>("--cert") { Description = "the certificate to judge (PEM or DER)", Required = true };
        var trust = new Option<string[]>("--trust") { Description = "trust anchors (PEM bundles or DER files; repeatable)", Required = true, Arity = ArgumentArity.OneOrMore };
        var untrusted = new Option<string[]>("--untrusted") { Description = "intermediate CA certificates to build the path with (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var crl = new Option<string[]>("--crl") { Description = "CRLs (PEM or DER; repeatable); with any, revocation is required for every certificate of the path", Arity = ArgumentArity.ZeroOrMore };
        var at = new Option<string>("--at") { Description = "the instant to judge at (ISO 8601, e.g. 2030-01-05T12:00:00Z)", Required = true };
        var command = new Command("verify", "Validate a certificate's path at an instant with the twin's validator; exit 0 valid, 1 invalid, 2 bad input.")
        {
            cert, trust, untrusted, crl, at,
        };
        command.SetAction(r => Verify(r.GetValue(cert)!, r.GetValue(trust) ?? [], r.GetValue(untrusted) ?? [], r.GetValue(crl) ?? [], r.GetValue(at)!));
        return command;
    }

    private static int Verify(string certFile, string[] trustFiles, string[] untrustedFiles, string[] crlFiles, string atText)
    {
        Certificate subject;
        List<Certificate> anchors, intermediates;
        List<CertificateRevocationList> crls;
        SimInstant at;
        try
        {
            at = CommonOptions.ParseInstant(atText, "--at");
            var certs = ReadCertificates(certFile, "--cert");
            if (certs.Count != 1) throw new UsageException($"--cert '{certFile}': expected one certificate, found {certs.Count}.");
            subject = certs[0];
            anchors = [.. trustFiles.SelectMany(f => ReadCertificates(f, "--trust"))];
            intermediates = [.. untrustedFiles.SelectMany(f => ReadCertificates(f, "--untrusted"))];
            crls = [.. crlFiles.SelectMany(ReadCrls)];
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"PlantTrust cannot verify: {e.Message}");
            return Program.BadInput;
        }

        var policy = ValidationPolicy.Default with { Revocation = crls.Count > 0 ? RevocationMode.Required : RevocationMode.Off };
        var result = new PathValidator(anchors, policy).Validate(subject, at.Utc, intermediates, crls);
        Console.WriteLine($"{(result.IsValid ? "valid" : "invalid")}: {result.Status} at {at}{(crls.Count == 0 ? " (revocation not checked: no --crl)" : "")}");
        foreach (var v in result.Path)
        {
            var state = v.IsTrustAnchor ? "trust anchor" : v.Revocation switch
            {
                RevocationState.Good => "not revoked",
                RevocationState.Revoked => $"revoked ({v.RevocationReason})",
                RevocationState.Unknown => "revocation unknown",
                RevocationState.NotApplicable => "short-lived: no revocation status published (noRevAvail)",
                _ => "revocation not checked",
            };
            var problems = v.Errors.Count == 0 ? "ok" : string.Join(", ", v.Errors);
            var warnings = v.Warnings.Count == 0 ? "" : $"; warnings: {string.Join(", ", v.Warnings)}";
            Console.WriteLine($"  {v.Certificate.Subject} [serial {v.Certificate.SerialNumber.Hex}, {v.Certificate.NotBefore:yyyy-MM-ddTHH:mm:ssZ} – {v.Certificate.NotAfter:yyyy-MM-ddTHH:mm:ssZ}]: {problems}; {state}{warnings}");
        }
        return result.IsValid ? 0 : 1;
    }

    private static byte[] ReadBytes(string file, string option)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} '{file}': cannot read the file: {e.Message}");
        }
    }

    private static bool IsPem(byte[] bytes) => Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).Contains("-----BEGIN ", StringComparison.Ordinal);

    private static List<Certificate> ReadCertificates(string file, string option)
    {
        var bytes = ReadBytes(file, option);
        try
        {
            var certs = IsPem(bytes) ? Certificate.FromPemBundle(Encoding.ASCII.GetString(bytes)).ToList() : [Certificate.FromDer(bytes)];
            return certs.Count > 0 ? certs : throw new UsageException($"{option} '{file}': no CERTIFICATE block in it.");
        }
        catch (PkiException e)
        {
            throw new UsageException($"{option} '{file}': not a certificate (PEM or DER): {e.Message}");
        }
    }

    private static IEnumerable<CertificateRevocationList> ReadCrls(string file)
    {
        var bytes = ReadBytes(file, "--crl");
        try
        {
            var crls = IsPem(bytes) ? Pem.DecodeAll(Encoding.ASCII.GetString(bytes), "X509 CRL").Select(d => CertificateRevocationList.FromDer(d)).ToList() : [CertificateRevocationList.FromDer(bytes)];
            return crls.Count > 0 ? crls : throw new UsageException($"--crl '{file}': no X509 CRL block in it.");
        }
        catch (PkiException e)
        {
            throw new UsageException($"--crl '{file}': not a CRL (PEM or DER): {e.Message}");
        }
    }
}
