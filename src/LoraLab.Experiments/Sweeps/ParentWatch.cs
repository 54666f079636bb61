using System.Runtime.InteropServices;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// A child run exits as soon as its parent sweep is gone (e.g. killed with SIGKILL): it polls getppid(), which
/// changes when the child is re-parented. Without this, orphans would keep computing runs the restarted sweep
/// also starts. Linux/macOS only; elsewhere it does nothing.
/// </summary>
public static class ParentWatch
{
    [DllImport("libc", EntryPoint = "getppid")]
    static extern int GetParentPid();

    [DllImport("libc", EntryPoint = "kill")]
    static extern int Kill(int pid, int signal);

    public static void Start(int expectedParent)
    {
        if (OperatingSystem.IsWindows()) return;
        var thread = new Thread(() =>
        {
            while (true)
            {
                if (GetParentPid() != expectedParent) Kill(Environment.ProcessId, 9);
                Thread.Sleep(200);
            }
        }) { IsBackground = true, Name = "parent-watch" };
        thread.Start();
    }
}
