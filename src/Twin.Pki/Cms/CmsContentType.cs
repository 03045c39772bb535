namespace Twin.Pki.Cms;

/// <summary>The encapsulated content types PlantTrust signs.</summary>
public enum CmsContentType
{
    /// <summary>id-data (RFC 5652 §4): arbitrary octets, such as firmware images and MTP packages.</summary>
    Data,
    /// <summary>id-ct-animaJSONVoucher 1.2.840.113549.1.9.16.1.40 (RFC 8366 §5.3): a JSON voucher.</summary>
    JsonVoucher,
}
