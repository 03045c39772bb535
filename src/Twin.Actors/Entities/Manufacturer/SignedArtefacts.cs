using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Twin.Actors.Model;
using Twin.Pki;
using Twin.Pki.Certificates;
using Twin.Pki.Cms;
using Twin.Pki.Validation;

namespace Twin.Actors.Entities.Manufacturer;

/// <summary>The verdict on a signed artefact (firmware image, MTP package): valid or not, and why.</summary>
public sealed record SignatureVerdict(bool Valid, string Reason);

/// <summary>
/// What a manufacturer signs and what devices and the POL check, pure: firmware images, MTP package manifests (a small
/// AutomationML-like CAEX document), and the check of a detached CMS signature (RFC 5652) by a code-signing certificate that chains
/// to a manufacturer CA at a simulated instant.
/// </summary>
public static class SignedArtefacts
{
    /// <summary>The services every simulated PEA offers in its MTP package.</summary>
    public static IReadOnlyList<string> PeaServices { get; } = [.. Pea.MtpServices.Default.Select(s => s.Name)];

    /// <summary>A firmware image for <paramref name="device"/>: a header naming device and version, then 4 KiB of deterministic code.</summary>
    public static byte[] FirmwareImage(EntityId device, string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        var header = Encoding.ASCII.GetBytes($"PTFW\n{device.Value}\n{version}\n");
        var image = new byte[header.Length + 4096];
        header.CopyTo(image, 0);
        var block = SHA256.HashData(header);
        for (var at = header.Length; at < image.Length; at += block.Length)
        {
            block.AsSpan(0, Math.Min(block.Length, image.Length - at)).CopyTo(image.AsSpan(at));
            block = SHA256.HashData(block);
        }
        return image;
    }

    /// <summary>
    /// The MTP package manifest of PEA <paramref name="pea"/> (VDI/VDE/NAMUR 2658 in spirit: a CAEX InstanceHierarchy with the
    /// module type package, its OPC UA server and its services).
    /// </summary>
    public static byte[] MtpManifest(EntityId pea, string applicationUri, string manufacturer)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationUri);
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        using var buffer = new MemoryStream();
        using (var w = XmlWriter.Create(buffer, settings))
        {
            w.WriteStartElement("CAEXFile", "http://www.dke.de/CAEX");
            w.WriteAttributeString("FileName", $"{pea.Value}.mtp");
            w.WriteStartElement("InstanceHierarchy");
            w.WriteAttributeString("Name", pea.Value);
            w.WriteStartElement("InternalElement");
            w.WriteAttributeString("Name", pea.Value);
            w.WriteAttributeString("RefBaseSystemUnitPath", "MTPSUCLib/ModuleTypePackage");
            WriteAttribute(w, "Manufacturer", manufacturer);
            w.WriteStartElement("InternalElement");
            w.WriteAttributeString("Name", "OPCServer");
            w.WriteAttributeString("RefBaseSystemUnitPath", "MTPCommunicationSUCLib/ServerAssembly/OPCUAServer");
            WriteAttribute(w, "ApplicationUri", applicationUri);
            WriteAttribute(w, "Endpoint", "opc.tcp://localhost/" + pea.Value);
            w.WriteEndElement();
            foreach (var service in Pea.MtpServices.Default)
            {
                w.WriteStartElement("InternalElement");
                w.WriteAttributeString("Name", service.Name);
                w.WriteAttributeString("RefBaseSystemUnitPath", Pea.MtpServices.ServiceRole);
                foreach (var procedure in service.Procedures)
                {
                    w.WriteStartElement("InternalElement");
                    w.WriteAttributeString("Name", procedure);
                    w.WriteAttributeString("RefBaseSystemUnitPath", Pea.MtpServices.ProcedureRole);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }
        return buffer.ToArray();
    }

    /// <summary>The MTP manifest as an attacker alters it: the OPC UA endpoint points to the attacker's server.</summary>
    public static byte[] TamperedManifest(byte[] manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var text = Encoding.UTF8.GetString(manifest);
        var at = text.IndexOf("opc.tcp://localhost/", StringComparison.Ordinal);
        return at < 0 ? [.. manifest, (byte)'\n'] : Encoding.UTF8.GetBytes(text[..at] + "opc.tcp://10.66.6.6/" + text[(at + "opc.tcp://localhost/".Length)..]);
    }

    /// <summary>A firmware image as an attacker alters it: one byte of code changed (a backdoor).</summary>
    public static byte[] TamperedImage(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var copy = (byte[])image.Clone();
        copy[^1] ^= 0x5a;
        return copy;
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="content"/>.</summary>
    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>
    /// Checks a detached CMS signature over <paramref name="content"/>: the signature verifies, and the signer's certificate carries
    /// id-kp-codeSigning and chains to one of <paramref name="anchors"/> at <paramref name="at"/>. Manufacturers publish no CRLs to the
    /// plant, so revocation is not checked (as for IDevIDs).
    /// </summary>
    public static SignatureVerdict Verify(byte[] content, byte[] signatureCms, IEnumerable<Certificate> anchors, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(signatureCms);
        ArgumentNullException.ThrowIfNull(anchors);
        var validator = new PathValidator(anchors, ValidationPolicy.Default with { Revocation = RevocationMode.Off, RequiredPurpose = KeyPurpose.CodeSigning });
        try
        {
            var result = CmsVerifier.Verify(signatureCms, content, validator, at);
            return result.IsValid
                ? new SignatureVerdict(true, $"signed by {result.Signer!.Subject}, valid at {at:O}")
                : new SignatureVerdict(false, result.Problem ?? "the signature is not valid");
        }
        catch (PkiException e)
        {
            return new SignatureVerdict(false, e.Message);
        }
    }

    private static void WriteAttribute(XmlWriter w, string name, string value)
    {
        w.WriteStartElement("Attribute");
        w.WriteAttributeString("Name", name);
        w.WriteElementString("Value", value);
        w.WriteEndElement();
    }
}
