namespace LoraLab.Core;

/// <summary>
/// How the LoRA factors start (Hayou, Ghosh &amp; Yu 2024, arXiv 2406.08447; PEFT <c>init_lora_weights</c>).
/// A is (r, in), B is (out, r), ΔW = s·B·A. Every scheme starts from the pretrained function: either one factor is
/// zero, or B·A = 0 by construction, or the frozen weight keeps the residual W − s·B·A.
/// Closed set: <see cref="LoraInitializer.Apply"/> switches over it with no default arm.
/// </summary>
public enum LoraInit
{
    /// <summary>Init[A], PEFT's default (<c>True</c>): A ~ U(−1/√in, 1/√in) (kaiming_uniform, a = √5; Var = 1/(3·in)),
    /// B = 0.</summary>
    A,

    /// <summary>Init[B] (the authors' PEFT fork, <c>use_original_init=False</c>): A = 0, B ~ U(−1/√r, 1/√r) (Var =
    /// 1/(3r)).</summary>
    B,

    /// <summary>Gaussian Init[A]: A ~ N(0, σ²) with σ = gain/√in (Var = gain²/in), B = 0. For width-scaling
    /// studies.</summary>
    GaussianA,

    /// <summary>Gaussian Init[B]: A = 0, B ~ N(0, σ²) with σ = gain/√r (Var = gain²/r).</summary>
    GaussianB,

    /// <summary>PEFT <c>"gaussian"</c>: A ~ N(0, 1/r²) (std 1/r, Var independent of the width), B = 0.</summary>
    Gaussian,

    /// <summary>PEFT <c>False</c>: both factors at nn.Linear's default, A ~ U(±1/√in), B ~ U(±1/√r). Unlike PEFT, the
    /// frozen weight keeps W − s·B·A so that the step-0 model is still the base model.</summary>
    BothRandom,

    /// <summary>PEFT <c>"orthogonal"</c>: Q from the QR of an r×r Gaussian; A = (G₁·Q[0::2])ᵀ/10, B = G₂ᵀ·Q[1::2]/10
    /// with G ~ N(0, 1), so B·A = 0 with both factors non-zero (entry std ≈ 0.07 whatever the width). Needs an even
    /// r.</summary>
    Orthogonal,

    /// <summary>PiSSA: W = V·S·Uᴴ; A = √(S_r/s)·Uᴴ_r, B = V_r·√(S_r/s); the frozen weight keeps W − s·B·A.</summary>
    Pissa,

    /// <summary>OLoRA: Q·R = W; A = R[:r], B = Q[:, :r]; the frozen weight keeps W − s·B·A.</summary>
    Olora,
}
