namespace Pipelines.Speech.Features;

/// <summary>
/// Makes the exception for a setting that fails validation, from the setting's name, the value found
/// and what it must be. Validation takes one so that the same rules speak to each caller in its own
/// terms: code gets an <see cref="ArgumentException"/> naming the property
/// (<see cref="SettingErrors.Argument"/>); a config.json reader an <see cref="InvalidDataException"/>
/// naming the key the user wrote (<see cref="Model.AcousticModelConfig.InConfig"/>).
/// </summary>
internal delegate Exception SettingError(string name, object value, string expected);

/// <summary>The <see cref="SettingError"/> for code callers.</summary>
internal static class SettingErrors
{
    /// <summary>"Hidden must be at least 1; got -5", with the property as the parameter name.</summary>
    public static Exception Argument(string name, object value, string expected) =>
        new ArgumentException($"{name} must be {expected}; got {value}", name);
}
