namespace Pipelines.Speech.Model;

/// <summary>The recurrent cell of the acoustic model's layers.</summary>
public enum RecurrentCellKind
{
    /// <summary>Gated recurrent unit (Rnn.Core <c>GruCell</c>, reset-after form).</summary>
    Gru,

    /// <summary>Long short-term memory (Rnn.Core <c>LstmCell</c>).</summary>
    Lstm,
}
