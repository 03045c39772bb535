using System.Xml;

namespace Twin.Actors.Entities.Pea;

/// <summary>A service an MTP package names, with its procedures (VDI/VDE/NAMUR 2658-4: a service runs one procedure at a time).</summary>
public sealed record MtpService(string Name, IReadOnlyList<string> Procedures);

/// <summary>The services of a PEA as its MTP package names them: what its OPC UA server exposes and the POL orchestrates.</summary>
public static class MtpServices
{
    private const string CaexNamespace = "http://www.dke.de/CAEX";
    private const string ServiceClass = "MTPServiceSUCLib/Service";
    private const string ProcedureClass = "MTPServiceSUCLib/Procedure";

    /// <summary>The services every simulated PEA offers: dosing, mixing, tempering, each with two procedures.</summary>
    public static IReadOnlyList<MtpService> Default { get; } =
    [
        new("Dose", ["DoseAmount", "DoseFlow"]),
        new("Mix", ["MixGentle", "MixFast"]),
        new("Temper", ["Heat", "Cool"]),
    ];

    /// <summary>The CAEX role class path of a service element.</summary>
    public static string ServiceRole => ServiceClass;

    /// <summary>The CAEX role class path of a procedure element.</summary>
    public static string ProcedureRole => ProcedureClass;

    /// <summary>
    /// Reads the services and their procedures from an MTP manifest (CAEX InternalElements of the service and procedure classes), in
    /// document order. A manifest that is not XML fails with a <see cref="FormatException"/> naming the line and position.
    /// </summary>
    public static IReadOnlyList<MtpService> Parse(byte[] manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var document = new XmlDocument { XmlResolver = null };
        try
        {
            using var stream = new MemoryStream(manifest);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document.Load(reader);
        }
        catch (XmlException e)
        {
            throw new FormatException($"The MTP manifest is not well-formed XML at line {e.LineNumber}, position {e.LinePosition}: {e.Message}", e);
        }
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("c", CaexNamespace);
        var services = new List<MtpService>();
        foreach (XmlElement service in document.SelectNodes($"//c:InternalElement[@RefBaseSystemUnitPath='{ServiceClass}']", ns)!)
        {
            var procedures = service.SelectNodes($"c:InternalElement[@RefBaseSystemUnitPath='{ProcedureClass}']", ns)!
                .Cast<XmlElement>().Select(p => p.GetAttribute("Name")).Where(n => n.Length > 0).ToList();
            var name = service.GetAttribute("Name");
            if (name.Length > 0) services.Add(new MtpService(name, procedures));
        }
        return services;
    }
}
