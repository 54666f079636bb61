using LoraLab.Models.TeacherStudent;

namespace LoraLab.Experiments.Toy;

/// <summary>
/// Problem instances shared by the toy runs of one process: a search runs the same (width, seed) problem once per
/// probe, and the layer-relu readout's W*·H costs n²·N multiply-adds, so problems are kept (least recently used
/// first out, at most <see cref="MaxBytes"/> of tensors not in use). Thread-safe; a leased problem is never disposed.
/// </summary>
internal static class ToyProblemCache
{
    public const long MaxBytes = 1L << 30;

    static readonly Lock Gate = new();
    static readonly Dictionary<TeacherStudentSpec, Entry> Entries = new();
    static long _clock;

    sealed class Entry(TeacherStudentProblem problem)
    {
        public TeacherStudentProblem Problem { get; } = problem;
        public int Leases;
        public long LastUse;
    }

    /// <summary>Runs <paramref name="use"/> with the problem of <paramref name="spec"/> (built on first use).</summary>
    public static T With<T>(TeacherStudentSpec spec, Func<TeacherStudentProblem, T> use)
    {
        var entry = Lease(spec);
        try
        {
            return use(entry.Problem);
        }
        finally
        {
            lock (Gate)
            {
                entry.Leases--;
                Evict();
            }
        }
    }

    static Entry Lease(TeacherStudentSpec spec)
    {
        lock (Gate)
        {
            if (Entries.TryGetValue(spec, out var hit))
            {
                hit.Leases++;
                hit.LastUse = ++_clock;
                return hit;
            }
        }
        var fresh = new Entry(new TeacherStudentProblem(spec));
        lock (Gate)
        {
            if (Entries.TryGetValue(spec, out var raced))
            {
                fresh.Problem.Dispose();
                fresh = raced;
            }
            else Entries[spec] = fresh;
            fresh.Leases++;
            fresh.LastUse = ++_clock;
            return fresh;
        }
    }

    static void Evict()
    {
        while (Entries.Values.Sum(e => e.Problem.Bytes) > MaxBytes)
        {
            var victim = Entries.Where(kv => kv.Value.Leases == 0).OrderBy(kv => kv.Value.LastUse).FirstOrDefault();
            if (victim.Value is null) return;
            Entries.Remove(victim.Key);
            victim.Value.Problem.Dispose();
        }
    }
}
