using System.Globalization;
using LoraLab.Core;
using LoraLab.IO;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraLab.Training.Optim;

/// <summary>One parameter group as it will be stepped: what users must see before a run starts (peft#1504,
/// axolotl#4010, lerobot#3551 — silently wrong LRs, weight decays and scalings).</summary>
public sealed record ParamGroupInfo(string Name, int Tensors, long Parameters, double Lr, double WeightDecay);

/// <summary>AdamW over LoRA factors with one group per matrix kind (lora_A, lora_B, other), and an LR multiplier for
/// schedules. Frozen one side (train_a/train_b = false) is removed from the optimizer and from autograd.</summary>
internal sealed class LoraOptimizer : IDisposable
{
    readonly List<(AdamW.ParamGroup Group, double BaseLr)> _groups = [];

    public LoraOptimizer(IReadOnlyList<AdaptedLayer> layers, IEnumerable<Parameter> otherTrainable,
                         OptimizerConfig config)
    {
        Config = config;
        foreach (var layer in layers)
        {
            layer.Layer.LoraA.requires_grad = config.TrainA;
            layer.Layer.LoraB.requires_grad = config.TrainB;
        }
        var groups = new List<AdamW.ParamGroup>();
        var infos = new List<ParamGroupInfo>();
        void Add(string name, IReadOnlyList<Parameter> ps, double lr, double wd)
        {
            if (ps.Count == 0) return;
            var group = new AdamW.ParamGroup(ps, lr, config.Beta1, config.Beta2, config.Eps, wd);
            groups.Add(group);
            _groups.Add((group, lr));
            infos.Add(new ParamGroupInfo(name, ps.Count, ps.Sum(p => p.numel()), lr, wd));
        }
        if (config.TrainA)
            Add("lora_A", layers.Select(l => l.Layer.LoraA).ToList(), config.EffectiveLrA, config.WeightDecayA);
        if (config.TrainB)
            Add("lora_B", layers.Select(l => l.Layer.LoraB).ToList(), config.EffectiveLrB, config.WeightDecayB);
        Add("other", otherTrainable.Where(p => p.requires_grad).ToList(), config.EffectiveLrOther,
            config.WeightDecayOther);
        if (groups.Count == 0) throw new LoraLabException("optimizer: no trainable parameters", ExitCodes.Usage);
        // Every hyperparameter passed explicitly: torch.optim.AdamW's factory defaults beta2 to 0.99, not PyTorch's
        // 0.999.
        Optimizer = new AdamW(groups, config.EffectiveLrA, config.Beta1, config.Beta2, config.Eps, 0.0);
        Groups = infos;
        Scales = layers.Select(l => (l.Layer.Alpha, l.Layer.Rank, l.Layer.Scale)).Distinct().ToList();
    }

    public OptimizerConfig Config { get; }
    public AdamW Optimizer { get; }
    public IReadOnlyList<ParamGroupInfo> Groups { get; }
    /// <summary>Distinct (α, r, s) among the adapted layers.</summary>
    public IReadOnlyList<(double Alpha, int Rank, double Scale)> Scales { get; }

    /// <summary>Sets every group's LR to its base LR × <paramref name="factor"/> (a schedule's value at this
    /// step).</summary>
    public void SetLrFactor(double factor)
    {
        foreach (var (group, baseLr) in _groups) group.LearningRate = baseLr * factor;
    }

    /// <summary>Current LR per group name.</summary>
    public IReadOnlyDictionary<string, double> CurrentLrs() =>
        Groups.Zip(_groups).ToDictionary(g => g.First.Name, g => g.Second.Group.LearningRate);

    /// <summary>AdamW's state of <paramref name="parameter"/> (step count, first and second moments), for
    /// checkpoints; null when it is not optimized (a frozen side).</summary>
    public AdamW.State? StateOf(Parameter parameter)
    {
        var states = Optimizer.state_dict().State;                 // in group order, then parameter order
        var i = 0;
        foreach (var (group, _) in _groups)
            foreach (var p in group.Parameters)
            {
                if (p.Handle == parameter.Handle) return (AdamW.State)states[i];
                i++;
            }
        return null;
    }

    public void Step() => Optimizer.step();

    public void ZeroGrad() => Optimizer.zero_grad();

    /// <summary>The lines printed at the start of every run.</summary>
    public IEnumerable<string> Describe()
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Format(c, "optimizer AdamW (beta1={0}, beta2={1}, eps={2:G3})",
                                   Config.Beta1, Config.Beta2, Config.Eps);
        foreach (var g in Groups)
            yield return string.Format(c,
                "  group {0,-7} {1,4} tensors {2,12:N0} params  lr={3:G4}  weight_decay={4:G4}",
                g.Name, g.Tensors, g.Parameters, g.Lr, g.WeightDecay);
        if (!Config.TrainA) yield return "  lora_A frozen (train_a = false)";
        if (!Config.TrainB) yield return "  lora_B frozen (train_b = false)";
        if (Config.TrainA && Config.TrainB)
            yield return string.Format(c, "  lr_B / lr_A = {0:G4}", Config.EffectiveLrB / Config.EffectiveLrA);
        foreach (var (alpha, rank, scale) in Scales)
            yield return string.Format(c, "  LoRA scaling s = {0:G4} (alpha={1:G4}, r={2})", scale, alpha, rank);
    }

    public void Dispose() => Optimizer.Dispose();
}
