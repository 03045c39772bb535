using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Pki.Keys;

namespace Twin.Actors.Scenarios;

/// <summary>A checked scenario: the plant, the trust design and the clock of one run.</summary>
public sealed partial record Scenario(
    string Name,
    RunId Run,
    long? Seed,
    SimInstant Start,
    TimeSpan? Duration,
    ClockMode Mode,
    double Speed,
    DesignKnobs Design,
    RootCaSpec RootCa,
    IReadOnlyList<DeviceSpec> Devices)
{
    /// <summary>Steps played on the clock.</summary>
    public IReadOnlyList<Entities.Timeline.TimelineStep> Timeline { get; init; } = [];

    /// <summary>What the run promises; checked against its journal.</summary>
    public IReadOnlyList<Expectation> Expectations { get; init; } = [];

    /// <summary>Trust centres: regions' roots of trust, which accredit CAs and cross-certify each other as partners.</summary>
    public IReadOnlyList<TrustCentreSpec> TrustCentres { get; init; } = [];

    /// <summary>Subordinate CAs, parents before children.</summary>
    public IReadOnlyList<SubordinateCaSpec> Subordinates { get; init; } = [];

    /// <summary>Operator domains, each served by its registrar.</summary>
    public IReadOnlyList<Entities.Registrar.RegistrarSettings> Domains { get; init; } = [];

    /// <summary>The plant to start for this scenario, with optional overrides from the command line.</summary>
    public PlantSpec ToPlant(long? seed = null, ClockMode? mode = null, double? speed = null, TimeSpan? until = null)
    {
        var duration = until ?? Duration;
        // Trust centres first: a CA certified by one (parent) needs it to exist; accredited CAs reach theirs by name.
        var authorities = TrustCentres.Select(t => (t.Id, new CaSettings(t.Subject, t.Algorithm, t.Validity)
        {
            IsTrustCentre = true,
            KeyStorage = Design.KeyStorage.Ca,
            CrlInterval = Design.CrlInterval,
            CrlValidity = Design.CrlValidity,
            Retention = Design.Retention,
        })).ToList();
        authorities.Add((RootCa.Id, new CaSettings(RootCa.Subject, RootCa.Algorithm, RootCa.Validity) { KeyStorage = Design.KeyStorage.Ca, CrlInterval = Design.CrlInterval, CrlValidity = Design.CrlValidity, TrustCentre = RootCa.TrustCentre, Retention = Design.Retention, ShortLivedEndEntities = Design.Revocation == RevocationDesign.ShortLived, Ocsp = Design.Ocsp }));
        authorities.AddRange(Subordinates.Select(c => (c.Id, new CaSettings(c.Subject, c.Algorithm, c.Validity)
        {
            Parent = c.Parent,
            KeyStorage = Design.KeyStorage.Ca,
            Profile = c.Profile,
            Standby = c.Standby,
            TrustCentre = c.TrustCentre,
            Retention = Design.Retention,
            CrlInterval = Design.CrlInterval,
            CrlValidity = Design.CrlValidity,
            ShortLivedEndEntities = Design.Revocation == RevocationDesign.ShortLived,
            Ocsp = Design.Ocsp,
        })));
        authorities = WithTrustModel(authorities);
        var peaIds = Devices.Where(d => d.Role == DeviceRole.Pea).Select(d => d.Id).ToList();
        var devices = Devices.Select(d => (d.Id, new DeviceSettings(
            Domains.FirstOrDefault(x => x.Members.Contains(d.Id))?.IssuingCa ?? d.Ca ?? RootCa.Id, d.Subject, d.Algorithm ?? Design.AlgorithmFor(d.Role), d.Lifetime ?? Design.LifetimeFor(d.Role), Design.RenewAtFraction, Design.RekeyOnRenewal)
        {
            // PEA servers and the POL speak OPC UA with application certificates (RSA: the policies are RSA policies).
            OpcUaApplicationUri = d.Role == DeviceRole.Device ? null : $"urn:planttrust:{Run.Value}:{d.Id.Value}",
            ServesOpcUa = d.Role == DeviceRole.Pea,
            KeyStorage = Design.KeyStorage.For(d.Role),
            ProbeTargets = d.Role == DeviceRole.Pol ? peaIds : [],
            ProbeInterval = d.ProbeInterval ?? TimeSpan.FromHours(1),
            CmpDomain = Domains.FirstOrDefault(x => x.Members.Contains(d.Id))?.Domain,
            TrustListPull = d.Role == DeviceRole.Device ? null : Design.TrustListPull,
            GatewayDomains = [.. Domains.Where(x => x.Members.Contains(d.Id)).Skip(1).Select(x => x.Domain)],
        })).Select((x, i) => (x.Id, Manufactured(Devices[i], x.Item2))).Select((x, i) => (x.Id, WithServerLinks(Devices[i], x.Item2))).Select((x, i) => (x.Id, WithGds(Devices[i], x.Item2))).Select((x, i) => (x.Id, WithTrustCentreList(Devices[i], x.Item2))).ToList();
        return new PlantSpec(Run, Start, speed ?? Speed, StartRunning: true, authorities, devices)
        {
            Mode = mode ?? Mode,
            Seed = seed ?? Seed,
            Until = duration is { } d ? Start.Add(d) : null,
            Timeline = Timeline,
            Manufacturers = ManufacturerSettingsOf(),
            Registrars = Domains.Select(d => (Entities.Registrar.RegistrarSettings.EntityIdOf(d.Domain), WithGdsServers(d) with { KeyStorage = Design.KeyStorage.Ca })).ToList(),
            DeviceKeyStorage = Design.KeyStorage.Device,
        };
    }
}

/// <summary>The design knobs an architect varies between runs.</summary>
public sealed partial record DesignKnobs(double RenewAtFraction, bool RekeyOnRenewal, TimeSpan DeviceLifetime, KeyAlgorithm KeyAlgorithm, TimeSpan CrlInterval, TimeSpan CrlValidity)
{
    /// <summary>Lifetime of PEA application certificates; null: the device lifetime.</summary>
    public TimeSpan? PeaLifetime { get; init; }

    /// <summary>Lifetime of the POL's application certificate; null: the device lifetime.</summary>
    public TimeSpan? PolLifetime { get; init; }

    /// <summary>Lifetime of each domain GDS's own application certificate; null: <see cref="Entities.Registrar.RegistrarSettings.DefaultGdsLifetime"/>.</summary>
    public TimeSpan? GdsLifetime { get; init; }

    /// <summary>Default validity of subordinate CA certificates.</summary>
    public TimeSpan CaValidity { get; init; } = TimeSpan.FromDays(3650);

    /// <summary>Default validity of the root CA certificate.</summary>
    public TimeSpan RootCaValidity { get; init; } = TimeSpan.FromDays(7300);

    /// <summary>Key algorithm of PEA servers (an RSA algorithm: OPC UA's policies are RSA policies).</summary>
    public KeyAlgorithm PeaAlgorithm { get; init; } = KeyAlgorithm.Rsa2048;

    /// <summary>Key algorithm of the POL (RSA, as for PEAs).</summary>
    public KeyAlgorithm PolAlgorithm { get; init; } = KeyAlgorithm.Rsa2048;

    /// <summary>Default key algorithm of CAs.</summary>
    public KeyAlgorithm CaAlgorithm { get; init; } = KeyAlgorithm.EcdsaP256;

    /// <summary>Where each role generates and keeps its keys (design.keyStorage).</summary>
    public KeyStorageDesign KeyStorage { get; init; } = KeyStorageDesign.Software;

    /// <summary>How relying parties learn that an end-entity certificate is no longer good.</summary>
    public RevocationDesign Revocation { get; init; } = RevocationDesign.Crl;

    /// <summary>Under OCSP: how long each answer is current (nextUpdate − thisUpdate), so how long relying parties may cache it.</summary>
    public TimeSpan OcspValidity { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Under OCSP: a delegated responder signs (and answers while its CA is cut off) instead of the CA key.</summary>
    public bool OcspDelegated { get; init; }

    /// <summary>The CAs' OCSP design, or null when revocation is not by OCSP.</summary>
    public Entities.Authority.OcspSettings? Ocsp => Revocation == RevocationDesign.Ocsp
        ? new Entities.Authority.OcspSettings(Entities.Authority.OcspSettings.DefaultBaseUrl, OcspValidity) { Delegated = OcspDelegated }
        : null;

    /// <summary>Trust-list distribution by pull on a schedule: relying parties fetch CRLs every this long; null: at each check (or pushed as published).</summary>
    public TimeSpan? TrustListPull { get; init; }

    /// <summary>How PEA servers receive renewed certificates and trust lists from their domain's GDS; null: renewed in process.</summary>
    public GdsDelivery? Gds { get; init; }

    /// <summary>How long a CA keeps the records of certificates after they expire before purging them; null: forever.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>How domain members onboard: CMP (also "direct"), EST with the IDevID, or BRSKI then EST.</summary>
    public Entities.Device.DeviceOnboarding Onboarding { get; init; } = Entities.Device.DeviceOnboarding.Cmp;

    /// <summary>Whether MASAs voucher each serial number once (a clone with a stolen IDevID is caught) or on every request.</summary>
    public bool CloneDetection { get; init; } = true;

    /// <summary>The certificate lifetime for an entity of <paramref name="role"/>.</summary>
    public TimeSpan LifetimeFor(DeviceRole role) => role switch
    {
        DeviceRole.Pea => PeaLifetime ?? DeviceLifetime,
        DeviceRole.Pol => PolLifetime ?? DeviceLifetime,
        _ => DeviceLifetime,
    };

    /// <summary>The key algorithm for an entity of <paramref name="role"/>.</summary>
    public KeyAlgorithm AlgorithmFor(DeviceRole role) => role switch
    {
        DeviceRole.Pea => PeaAlgorithm,
        DeviceRole.Pol => PolAlgorithm,
        _ => KeyAlgorithm,
    };

    /// <summary>Renew at ¾ of the lifetime, new key on every renewal, 90-day P-256 certificates, a daily CRL valid for two days.</summary>
    public static DesignKnobs Default { get; } = new(0.75, true, TimeSpan.FromDays(90), KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(1), TimeSpan.FromDays(2));
}

/// <summary>A CA certified by another CA of the plant.</summary>
public sealed record SubordinateCaSpec(EntityId Id, EntityId Parent, string Subject, KeyAlgorithm Algorithm, TimeSpan Validity, Twin.Pki.Authority.CertificateProfile Profile)
{
    /// <summary>The name of its standby instance (same key and journal), which takes over when the primary is cut off; null: none.</summary>
    public string? Standby { get; init; }

    /// <summary>The trust centre that accredits it (by cross-certification, or by listing it); null: none.</summary>
    public EntityId? TrustCentre { get; init; }

    /// <summary>The security level its trust centre lists it at (trust-list model); null: SL1.</summary>
    public Entities.TrustCentre.SecurityLevel? Level { get; init; }
}

/// <summary>The root CA of the plant.</summary>
public sealed record RootCaSpec(EntityId Id, string Subject, KeyAlgorithm Algorithm, TimeSpan Validity)
{
    /// <summary>The trust centre that accredits it (by cross-certification, or by listing it); null: none.</summary>
    public EntityId? TrustCentre { get; init; }

    /// <summary>The security level its trust centre lists it at (trust-list model); null: SL1.</summary>
    public Entities.TrustCentre.SecurityLevel? Level { get; init; }
}

/// <summary>A trust centre: a country's or region's root of trust with its own root key.</summary>
public sealed record TrustCentreSpec(EntityId Id, string Subject, KeyAlgorithm Algorithm, TimeSpan Validity);

/// <summary>One device; lifetime and algorithm fall back to the design's.</summary>
public sealed record DeviceSpec(EntityId Id, string Subject, TimeSpan? Lifetime, KeyAlgorithm? Algorithm)
{
    /// <summary>The CA that issues its certificates; null: the root.</summary>
    public EntityId? Ca { get; init; }

    /// <summary>A plain device, a PEA serving OPC UA, or the POL.</summary>
    public DeviceRole Role { get; init; } = DeviceRole.Device;

    /// <summary>For the POL: how often it connects to every PEA.</summary>
    public TimeSpan? ProbeInterval { get; init; }

    /// <summary>A clone of this device: dormant until a clone-onboard step, then onboards with the original's stolen IDevID.</summary>
    public EntityId? CloneOf { get; init; }

    /// <summary>A PEA: how many OPC UA servers it runs (the multi-server equipment concept); its further servers are entities of their own.</summary>
    public int Servers { get; init; } = 1;

    /// <summary>A further OPC UA server of this PEA (listed as its own entity, <c>PEA-s2</c>, ...); null: a PEA itself or another kind.</summary>
    public EntityId? ServerOf { get; init; }
}

/// <summary>What a device-like entity does with its certificate.</summary>
public enum DeviceRole
{
    /// <summary>A field device with an LDevID.</summary>
    Device,
    /// <summary>A PEA: serves OPC UA with an application instance certificate.</summary>
    Pea,
    /// <summary>The POL: connects to every PEA's OPC UA server.</summary>
    Pol,
}

/// <summary>The revocation design of a plant.</summary>
public enum RevocationDesign
{
    /// <summary>CAs publish CRLs; relying parties require a current CRL for every certificate of a path.</summary>
    Crl,

    /// <summary>
    /// End-entity certificates are short-lived and carry RFC 9608 noRevAvail: relying parties do not look them up,
    /// a compromised one stays acceptable until it expires. CA certificates are still checked against CRLs.
    /// </summary>
    ShortLived,

    /// <summary>
    /// CAs run OCSP responders (RFC 6960) and name them in end-entity certificates; relying parties ask at each check and
    /// keep an answer until its nextUpdate. CA certificates are still checked against CRLs.
    /// </summary>
    Ocsp,
}
