using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Core;

/// <summary>
/// Draws the LoRA factors for one <see cref="LoraInit"/> scheme, from torch's global RNG (seed it with
/// <c>torch.manual_seed</c>). One small case per scheme; the switch has no default arm, so a new scheme cannot be
/// forgotten (CS8509 is an error in this solution).
/// </summary>
public static class LoraInitializer
{
    /// <summary>
    /// Fills <paramref name="a"/> (…, r, in) and <paramref name="b"/> (…, out, r) in place and returns the weight delta
    /// the frozen base weight must give up so that the step-0 model is unchanged (s·B·A, (out, in)), or null when
    /// B·A = 0 already. Leading batch dimensions are allowed for the factor-only schemes (A, B, GaussianA, GaussianB,
    /// Gaussian): the batched toy model trains many adapters at once. <paramref name="weight"/> (out, in) is needed by
    /// PiSSA and OLoRA.
    /// </summary>
    public static Tensor? Apply(LoraInit scheme, Tensor a, Tensor b, double scale, double gain = 1.0,
                                Tensor? weight = null)
    {
        using var noGrad = no_grad();
        long rank = a.shape[^2], fanIn = a.shape[^1];
        return scheme switch
        {
            LoraInit.A => ZeroB(KaimingUniform(a, fanIn), b),
            LoraInit.B => ZeroA(a, KaimingUniform(b, rank)),
            LoraInit.GaussianA => ZeroB(a.normal_(0, gain / Math.Sqrt(fanIn)), b),
            LoraInit.GaussianB => ZeroA(a, b.normal_(0, gain / Math.Sqrt(rank))),
            LoraInit.Gaussian => ZeroB(a.normal_(0, 1.0 / rank), b),
            LoraInit.BothRandom => Residual(KaimingUniform(a, fanIn), KaimingUniform(b, rank), scale),
            LoraInit.Orthogonal => Orthogonal(a, b),
            LoraInit.Pissa => Pissa(a, b, Require(weight, scheme), scale),
            LoraInit.Olora => Olora(a, b, Require(weight, scheme), scale),
        };
    }

    /// <summary>True when the scheme leaves one factor exactly zero (so B·A = 0 exactly, and the base weight is
    /// untouched).</summary>
    public static bool HasZeroFactor(LoraInit scheme) => scheme switch
    {
        LoraInit.A or LoraInit.B or LoraInit.GaussianA or LoraInit.GaussianB or LoraInit.Gaussian => true,
        LoraInit.BothRandom or LoraInit.Orthogonal or LoraInit.Pissa or LoraInit.Olora => false,
    };

    /// <summary>PyTorch's <c>kaiming_uniform_(w, a=√5)</c>: U(−bound, bound), bound = √3·gain/√fan_in = 1/√fan_in.
    /// Computed exactly as torch.nn.init does, so the draws are bit-identical to PEFT's under the same seed.</summary>
    static Tensor KaimingUniform(Tensor w, long fanIn)
    {
        var a = Math.Sqrt(5.0);
        var gain = Math.Sqrt(2.0 / (1 + a * a));
        var bound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
        return w.uniform_(-bound, bound);
    }

    static Tensor? ZeroB(Tensor a, Tensor b) { b.zero_(); return null; }

    static Tensor? ZeroA(Tensor a, Tensor b) { a.zero_(); return null; }

    static Tensor Residual(Tensor a, Tensor b, double scale) => b.matmul(a).mul_(scale);   // (out, in)

    /// <summary>PEFT <c>orthogonal_init</c>: B·A = Gᵦ·Q_even·Q_oddᵀ·Gₐ/100 = 0 because the rows of Q are
    /// orthonormal.</summary>
    static Tensor? Orthogonal(Tensor a, Tensor b)
    {
        RequireMatrix(a, LoraInit.Orthogonal);
        long rank = a.shape[0], inFeatures = a.shape[1], outFeatures = b.shape[0];
        var (q, _) = linalg.qr(randn(rank, rank));
        var qOdd = q[TensorIndex.Slice(0, null, 2)];                              // (r/2, r)
        var qEven = q[TensorIndex.Slice(1, null, 2)];                             // (r/2, r)
        a.copy_(randn(inFeatures, rank / 2).mm(qOdd).T / 10.0);                   // (r, in)
        b.copy_(randn(rank / 2, outFeatures).T.mm(qEven) / 10.0);                 // (out, r)
        return null;
    }

    /// <summary>PEFT <c>pissa_init</c>: the r principal singular directions of W, split evenly between A and
    /// B.</summary>
    static Tensor Pissa(Tensor a, Tensor b, Tensor weight, double scale)
    {
        RequireMatrix(a, LoraInit.Pissa);
        long r = a.shape[0];
        var (v, s, uh) = linalg.svd(weight.to(float32), fullMatrices: false);    // W = V·diag(S)·Uh
        var sqrtS = (s[TensorIndex.Slice(0, r)] / scale).sqrt();                 // (r,)
        a.copy_(sqrtS.unsqueeze(1) * uh[TensorIndex.Slice(0, r)]);               // (r, in)
        b.copy_(v[TensorIndex.Colon, TensorIndex.Slice(0, r)] * sqrtS.unsqueeze(0)); // (out, r)
        return Residual(a, b, scale);
    }

    /// <summary>PEFT <c>olora_init</c>: the first r columns of Q and rows of R from the QR of W.</summary>
    static Tensor Olora(Tensor a, Tensor b, Tensor weight, double scale)
    {
        RequireMatrix(a, LoraInit.Olora);
        long r = a.shape[0];
        var (q, rMat) = linalg.qr(weight.to(float32));
        a.copy_(rMat[TensorIndex.Slice(0, r)]);                                   // (r, in)
        b.copy_(q[TensorIndex.Colon, TensorIndex.Slice(0, r)]);                   // (out, r)
        return Residual(a, b, scale);
    }

    static Tensor Require(Tensor? weight, LoraInit scheme) =>
        weight ?? throw new ArgumentException($"init '{scheme}' needs the base weight");

    static void RequireMatrix(Tensor a, LoraInit scheme)
    {
        if (a.dim() != 2)
            throw new ArgumentException($"init '{scheme}' works on one layer at a time, not a batch of adapters");
    }
}
