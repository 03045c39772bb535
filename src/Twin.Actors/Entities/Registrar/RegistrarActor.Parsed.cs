using System.Collections.Immutable;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Registrar;

public sealed partial class RegistrarActor
{
    // The registrar's own certificate and chain as parsed objects, kept while the state holds the same DER: every signed CMP
    // answer carries them (extraCerts), and parsing them per answer on the registrar's one thread was a cost of every request.
    private (byte[]? Der, Certificate? Parsed) _own;
    private (ImmutableList<byte[]>? Der, IReadOnlyList<Certificate> Parsed) _chain = (null, []);

    private Certificate? OwnCertificate()
    {
        if (!ReferenceEquals(_own.Der, _state.CertificateDer)) _own = (_state.CertificateDer, _state.Certificate);
        return _own.Parsed;
    }

    private IReadOnlyList<Certificate> OwnChain()
    {
        if (!ReferenceEquals(_chain.Der, _state.ChainDer)) _chain = (_state.ChainDer, _state.ChainDer.Select(d => Certificate.FromDer(d)).ToList());
        return _chain.Parsed;
    }
}
