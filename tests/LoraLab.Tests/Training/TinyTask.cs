using LoraLab.Training.Data;
using LoraLab.Training.Recipes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraLab.Tests.Training;

/// <summary>
/// A small classification task for exercising <see cref="FinetuneRecipe"/> in milliseconds: 64 random 8-d points,
/// labels from a fixed random direction, a model query → tanh → value → tanh → classifier (layer names like BERT's, so
/// the default targets apply). <see cref="NanAtStep"/> poisons the input of one training call with NaN;
/// <see cref="KillAtCall"/> throws <see cref="SimulatedKill"/> from one (the process "dies" mid-step: nothing after
/// the last checkpoint survives but what was already on disk).
/// </summary>
internal sealed class TinyTask : IFinetuneTask
{
    internal sealed class TinyModel : nn.Module<Tensor, Tensor>
    {
        [TorchSharp.Utils.ComponentName(Name = "query")] private nn.Module<Tensor, Tensor> _query = nn.Linear(8, 16);
        [TorchSharp.Utils.ComponentName(Name = "value")] private nn.Module<Tensor, Tensor> _value = nn.Linear(16, 16);
        [TorchSharp.Utils.ComponentName(Name = "classifier")] private nn.Module<Tensor, Tensor> _classifier = nn.Linear(
            16, 2);

        public TinyModel() : base("tiny") => RegisterComponents();

        public override Tensor forward(Tensor x) =>
            _classifier.call(_value.call(_query.call(x).tanh()).tanh());                 // (B, 8) → (B, 2)
    }

    readonly TinyModel _model;
    readonly Tensor _x;                                                                   // (64, 8)
    readonly Tensor _y;                                                                   // (64,)
    int _calls;

    internal sealed class SimulatedKill() : Exception("simulated kill -9");

    public TinyTask(int seed, int? nanAtStep = null, int? killAtCall = null, int? spikeAtCall = null)
    {
        (KillAtCall, SpikeAtCall) = (killAtCall, spikeAtCall);
        torch.manual_seed(seed);
        _model = new TinyModel();
        var generator = new Generator((ulong)seed + 1000);
        _x = randn([64, 8], generator: generator);
        _y = _x.matmul(randn([8], generator: generator)).gt(0).to(int64);
        NanAtStep = nanAtStep;
    }

    /// <summary>1-based training step whose input becomes NaN.</summary>
    public int? NanAtStep { get; }
    /// <summary>1-based call of <see cref="Loss"/> that throws <see cref="SimulatedKill"/>.</summary>
    public int? KillAtCall { get; }
    /// <summary>1-based call of <see cref="Loss"/> whose loss is scaled by 30 (a loss and gradient spike).</summary>
    public int? SpikeAtCall { get; }
    public nn.Module Model => _model;
    public IReadOnlyList<(string Name, Parameter Parameter)> HeadParameters =>
        _model.named_parameters().Where(p => p.name.StartsWith("classifier.", StringComparison.Ordinal)).ToList();
    public int TrainExamples => 64;
    public IReadOnlyList<DatasetLoadReport> DataReports =>
        [new DatasetLoadReport { Source = "tiny", Role = "train", Examples = 64 }];
    public string PrimaryMetric => "accuracy";
    public bool HigherIsBetter => true;

    public Tensor Loss(IReadOnlyList<int> indices)
    {
        _calls++;
        if (_calls == KillAtCall) throw new SimulatedKill();
        var idx = tensor(indices.Select(i => (long)i).ToArray());
        var x = _x.index_select(0, idx);
        if (_calls == NanAtStep) x = x * float.NaN;
        var loss = nn.functional.cross_entropy(_model.call(x), _y.index_select(0, idx));
        return _calls == SpikeAtCall ? loss * 30 : loss;
    }

    public IReadOnlyDictionary<string, double> Evaluate(int batchSize, int maxBatches)
    {
        using var noGrad = no_grad();
        var accuracy = _model.call(_x).argmax(1).eq(_y).to(float64).mean().item<double>();
        return new Dictionary<string, double> { ["accuracy"] = accuracy };
    }

    public void Dispose() => _model.Dispose();
}
