namespace Rnn.Core.Optim;

/// <summary>Argument checks shared by the schedules.</summary>
internal static class Schedules
{
    public static void CheckRate(float rate, string name)
    {
        if (!float.IsFinite(rate) || rate < 0f)
        {
            throw new ArgumentOutOfRangeException(name, $"{name} must be finite and >= 0; got {rate}");
        }
    }
}
