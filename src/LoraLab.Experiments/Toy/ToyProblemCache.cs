using LoraLab.Models.TeacherStudent;

namespace LoraLab.Experiments.Toy;

/// <summary>
/// Problem instances shared by the toy runs of one process: a search runs the same (width, seed) problem once per
/// wave, and building one costs (features, the teacher's G* in float64, and for the layer-relu readout W*·H with
/// n²·N multiply-adds), so problems are kept (least recently used first out, at most <see cref="MaxBytes"/> of
/// tensors not in use). Thread-safe; a leased problem is never disposed.
/// </summary>
internal static class ToyProblemCache
{
    public const long MaxBytes = 2L << 30;

    static readonly Lock Gate = new();
    static readonly Dictionary<TeacherStudentSpec, Entry> Entries = new();
    static long _clock;

    sealed class Entry(ToyProblem problem)
    {
        public ToyProblem Problem { get; } = problem;
        public int Leases;
        public long LastUse;
    }

    /// <summary>Runs <paramref name="use"/> with the problems of <paramref name="specs"/> (built on first
    /// use).</summary>
    public static T With<T>(IReadOnlyList<TeacherStudentSpec> specs,
        Func<IReadOnlyDictionary<TeacherStudentSpec, ToyProblem>, T> use)
    {
        var entries = new List<Entry>();
        try
        {
            foreach (var spec in specs.Distinct()) entries.Add(Lease(spec));
            return use(entries.ToDictionary(e => e.Problem.Problem.Spec, e => e.Problem));
        }
        finally
        {
            lock (Gate)
            {
                foreach (var entry in entries) entry.Leases--;
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
        var fresh = new Entry(new ToyProblem(spec));
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
