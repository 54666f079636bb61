using LoraLab.Models.TeacherStudent;

namespace LoraLab.Experiments.Toy;

/// <summary>A teacher–student problem instance with its two splits prepared for the objective (<see cref="ToySplit"/>).
/// Owns all of it.</summary>
internal sealed class ToyProblem : IDisposable
{
    public ToyProblem(TeacherStudentProblem problem)
    {
        Problem = problem;
        Train = new ToySplit(problem, problem.HTrain, () => problem.FrozenPreActivations().Train);
        Test = new ToySplit(problem, problem.HTest, () => problem.FrozenPreActivations().Test);
    }

    public ToyProblem(TeacherStudentSpec spec) : this(new TeacherStudentProblem(spec))
    {
    }

    public TeacherStudentProblem Problem { get; }
    public ToySplit Train { get; }
    public ToySplit Test { get; }
    public long Bytes => Problem.Bytes + Train.Bytes + Test.Bytes;

    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
        Problem.Dispose();
    }
}
