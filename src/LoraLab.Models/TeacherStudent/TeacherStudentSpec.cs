namespace LoraLab.Models.TeacherStudent;

/// <summary>What defines one teacher–student problem instance (docs/protocol-width-sweep.md §2).</summary>
/// <param name="Width">n: width of the adapted layer (W* is n×n).</param>
/// <param name="InputDim">d: input dimension; x ~ N(0, I_d).</param>
/// <param name="TeacherRank">r*: rank of the teacher's shift ΔW_T = B*·A*.</param>
/// <param name="TeacherShiftScale">c in B* ~ N(0, c²/r*); E‖ΔW_T‖_F² = c²·n (E‖W*‖_F² = n), so ‖ΔW_T‖_F/‖W*‖_F ≈
/// c.</param>
public sealed record TeacherStudentSpec(
    int Width, int InputDim, int TeacherRank, double TeacherShiftScale, int TrainPoints, int TestPoints, long Seed);
