using System.Runtime.InteropServices;

namespace LoraLab.Training.Recipes;

/// <summary>
/// SIGTERM (Slurm's pre-emption and time limit, <c>kill</c>) and SIGINT (Ctrl+C) as a cancellation token: the first
/// one lets the training loop finish its step, write a checkpoint and exit; a second one terminates at once.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    readonly CancellationTokenSource _source = new();
    readonly List<PosixSignalRegistration> _registrations = [];

    public StopSignal()
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT })
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (_source.IsCancellationRequested) return;          // the second signal: default handling (exit)
                context.Cancel = true;
                _source.Cancel();
            }));
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _source.Dispose();
    }
}
