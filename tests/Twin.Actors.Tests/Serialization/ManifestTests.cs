using Twin.Actors.Serialization;

namespace Twin.Actors.Tests.Serialization;

/// <summary>The journal format is pinned: a manifest, once written, never changes meaning.</summary>
public sealed class ManifestTests
{
    [Fact]
    public void Every_persisted_type_has_its_pinned_manifest()
    {
        var expected = new Dictionary<string, string>
        {
            ["RootCaCreated"] = "ca.root-created.v1",
            ["CertificateIssued"] = "ca.issued.v1",
            ["IssuanceRefused"] = "ca.refused.v1",
            ["CertificateRevoked"] = "ca.revoked.v1",
            ["CrlPublished"] = "ca.crl-published.v1",
            ["SubordinateCaCertified"] = "ca.certified.v1",
            ["CaReachabilityChanged"] = "ca.reachability.v1",
            ["CaCrossCertified"] = "ca.cross-certified.v1",
            ["OcspResponderCertified"] = "ca.ocsp-responder-certified.v1",
            ["DeviceOcspAnswerCached"] = "dev.ocsp-cached.v1",
            ["TrustCentrePartnerChanged"] = "tc.partner.v1",
            ["TrustCentreListPublished"] = "tc.list-published.v1",
            ["DeviceTrustCentreListFetched"] = "dev.tc-list-fetched.v1",
            ["DeviceTrustListPulled"] = "dev.trust-list-pulled.v1",
            ["DeviceGdsCertificateDelivered"] = "dev.gds-certificate.v1",
            ["DeviceGdsTrustListInstalled"] = "dev.gds-trust-list.v1",
            ["RegistrarGdsCertified"] = "reg.gds-certified.v1",
            ["RegistrarGdsApplicationRegistered"] = "reg.gds-registered.v1",
            ["RegistrarGdsApplicationUnregistered"] = "reg.gds-unregistered.v1",
            ["RegistrarGdsCertificateDelivered"] = "reg.gds-delivered.v1",
            ["RegistrarGdsCertificateRevoked"] = "reg.gds-revoked.v1",
            ["RegistrarGdsSigningRequested"] = "reg.gds-request.v1",
            ["CertificateRecordsPurged"] = "ca.records-purged.v1",
            ["GatewayDomainRequested"] = "dev.domain-requested.v1",
            ["GatewayCredentialInstalled"] = "dev.domain-credential.v1",
            ["GatewayDomainRefused"] = "dev.domain-refused.v1",
            ["CrlLapsed"] = "ca.crl-lapsed.v1",
            ["TimelineStepApplied"] = "timeline.applied.v1",
            ["TimelineStepAttempted"] = "timeline.attempted.v1",
            ["RunStopped"] = "run.stopped.v1",
            ["ConnectionAttempted"] = "pol.attempt.v1",
            ["CaState"] = "ca.state.v2",
            ["CaStateV1"] = "ca.state.v1",
            ["DeviceKeyGenerated"] = "dev.key-generated.v1",
            ["KeyDestroyed"] = "key.destroyed.v1",
            ["DeviceKeyAlgorithmMigrated"] = "dev.key-algorithm-migrated.v1",
            ["RegistrarSuiteMigrated"] = "reg.suite-migrated.v1",
            ["DeviceEnrollmentRequested"] = "dev.enroll-requested.v1",
            ["DeviceCertificateInstalled"] = "dev.cert-installed.v1",
            ["DeviceCmpRequested"] = "dev.cmp-requested.v1",
            ["DeviceCmpRefused"] = "dev.cmp-refused.v1",
            ["DeviceDecommissioned"] = "dev.decommissioned.v1",
            ["DeviceState"] = "dev.state.v2",
            ["ClockPosition"] = "clock.position.v1",
            ["ExternalCertificateEnrolled"] = "enroll.external-issued.v1",
            ["EnrollmentDecided"] = "enroll.decided.v1",
            ["ServerKeyDestroyed"] = "enroll.server-key-destroyed.v1",
            ["RegistrarCertified"] = "reg.certified.v1",
            ["EnrollmentSecretIssued"] = "reg.secret-issued.v1",
            ["RegistrarDecided"] = "reg.decision.v1",
            ["DomainCertificateEnrolled"] = "reg.enrolled.v1",
            ["RegistrarState"] = "reg.state.v1",
            ["ConfirmationAwaited"] = "reg.confirmation-awaited.v1",
            ["CaRolledOver"] = "ca.rolled-over.v1",
            ["PreviousKeyCrlPublished"] = "ca.previous-crl-published.v1",
            ["PreviousKeyClosed"] = "ca.previous-key-closed.v1",
            ["RootKeyUpdated"] = "ca.root-key-updated.v1",
            ["CaCompromised"] = "ca.compromised.v1",
            ["CaFailedOver"] = "ca.failed-over.v1",
            ["ManufacturerEstablished"] = "mfr.established.v1",
            ["IdevidIssued"] = "mfr.idevid-issued.v1",
            ["VoucherIssued"] = "mfr.voucher-issued.v1",
            ["VoucherRefused"] = "mfr.voucher-refused.v1",
            ["FirmwareSigned"] = "mfr.firmware-signed.v1",
            ["MtpPackageSigned"] = "mfr.mtp-signed.v1",
            ["ManufacturerState"] = "mfr.state.v1",
            ["DeviceIdevidInstalled"] = "dev.idevid-installed.v1",
            ["DeviceIdevidTheftFailed"] = "dev.idevid-theft-failed.v1",
            ["DeviceVoucherRequested"] = "dev.voucher-requested.v1",
            ["DeviceVoucherChecked"] = "dev.voucher-checked.v1",
            ["DeviceEstRequested"] = "dev.est-requested.v1",
            ["DeviceFirmwareInstalled"] = "dev.firmware-installed.v1",
            ["DeviceSecureBootChecked"] = "dev.secure-boot.v1",
            ["PeaMtpPackageReceived"] = "pea.mtp-package.v1",
            ["MtpPackageJudged"] = "pol.mtp-import.v1",
            ["PeaServiceStateChanged"] = "pea.service-state.v1",
            ["PolServiceSessionOpened"] = "pol.service-session.v1",
            ["PolServiceSessionLost"] = "pol.service-session-lost.v1",
            ["PolServiceObserved"] = "pol.service-observed.v1",
            ["PolServiceCalled"] = "pol.service-call.v1",
            ["PeaSiblingAttempted"] = "pea.sibling-attempt.v1",
            ["AttackAttempted"] = "attack.attempted.v1",
        };
        var actual = TwinSerializer.Manifests.ToDictionary(p => p.Key.Name, p => p.Value);
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_journal_entry_written_today_reads_back_from_its_bytes()
    {
        // Bytes as the journal holds them: camelCase JSON, instants in epoch milliseconds, ids as strings.
        const string json = """{"run":"demo","at":1893456000000,"entity":"ca-root","subject":"device-001","profile":"LDevId","certificateDer":"AQID"}""";
        var serializer = new TwinSerializer(null!);
        var e = (Twin.Actors.Protocol.Events.CertificateIssued)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(json), "ca.issued.v1");
        Assert.Equal("device-001", e.Subject.Value);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), e.At.Utc);
        Assert.Equal([1, 2, 3], e.CertificateDer);
    }

    [Fact]
    public void An_unknown_manifest_is_refused_with_its_name()
    {
        var serializer = new TwinSerializer(null!);
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "ca.future.v9"));
        Assert.Contains("ca.future.v9", error.Message, StringComparison.Ordinal);
    }
}
