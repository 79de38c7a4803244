using System.CommandLine;
using System.Globalization;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Models;
using Multimodal.Cli.Output;
using Spectre.Console;

namespace Multimodal.Cli.Commands;

/// <summary>
/// <c>multimodal models [NAME] [--models-dir DIR]</c>: lists the bundled models as a table, or
/// prints one model's card.
/// </summary>
public sealed class ModelsCommand : ICommandModule
{
    private readonly ModelKinds _kinds;

    /// <summary>The verb, taking the folders of <paramref name="kinds"/> as usable models.</summary>
    /// <param name="kinds">
    /// The model kinds to list as usable (<see cref="ModelKinds.BuiltIn"/> when null); a folder of
    /// another kind is a problem line. Tests add kinds of their own here.
    /// </param>
    public ModelsCommand(ModelKinds? kinds = null) => _kinds = kinds ?? ModelKinds.BuiltIn;

    public Command Build(CliContext context)
    {
        var name = new Argument<string?>("name")
        {
            Description = "A model to show the card of (a folder name under models/)",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "name",
        };

        // The parser binds an unknown "--flag" to a free string argument; call it what it is.
        name.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0)
            {
                return;
            }

            var token = result.Tokens[0].Value;
            if (token.StartsWith('-'))
            {
                result.AddError($"Unrecognized option '{token}' for 'models'.");
            }
            else if (token.Trim().Length == 0)
            {
                // Often an unset shell variable: it named the models folder itself ("not a model folder").
                result.AddError("the model name is empty; run 'multimodal models' for the names");
            }
        });
        var folder = OptionBuilders.PathOption("--models-dir",
            $"Folder of model directories (default: ${ModelsFolder.Variable}, else models/ "
                + "beside the executable or in the repository root)", "dir");

        var command = new Command("models", "List the bundled models, or print one model's card") { name, folder };
        command.SetAction(parse =>
        {
            var located = ModelsFolder.Locate(parse.GetValue(folder), context.Environment);
            var model = parse.GetValue(name);
            return model is null ? List(context, located) : ShowCard(context, located, model);
        });
        return command;
    }

    private int List(CliContext context, string? folder)
    {
        var output = context.Environment.Out;
        if (folder is null)
        {
            output.WriteLine("No bundled models found: there is no models/ folder beside the executable "
                + $"or in the repository root. Point --models-dir or ${ModelsFolder.Variable} at one.");
            return ExitCodes.Success;
        }

        var (models, problems) = ModelCatalog.Scan(folder, _kinds);
        if (models.Count == 0)
        {
            // Folders that were looked at and refused are named below; this line must not say there are none.
            output.WriteLine(problems.Count == 0
                ? $"No models in {folder}."
                : $"No usable models in {folder}: {problems.Count} folder{(problems.Count == 1 ? "" : "s")} " +
                  $"with problems, listed below.");
        }
        else
        {
            context.Stdout.Write(Table(models, context.Environment.IsOutputRedirected));
        }

        // A broken bundled model is a defect to fix, so it fails the command after the listing.
        foreach (var problem in problems)
        {
            context.Error(problem.Folder, problem.Reason);
        }

        return problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    private int ShowCard(CliContext context, string? folder, string model)
    {
        if (folder is null)
        {
            throw new CliException(model, "no such model: no models folder was found "
                + $"(use --models-dir or ${ModelsFolder.Variable})");
        }

        if (model.IndexOfAny(['/', '\\']) >= 0 || model is "." or "..")
        {
            throw new CliException(model, "a model name is a folder name under models/, not a path");
        }

        var path = Path.Combine(folder, model);
        if (!Directory.Exists(path))
        {
            // Folder names as the user must type them: a tab or an escape character shown escaped.
            var known = ModelCatalog.Scan(folder, _kinds).Models.Select(m => TerminalText.Name(m.Name)).ToList();
            var hint = known.Count == 0 ? "there are no models" : $"available: {string.Join(", ", known)}";
            throw new CliException(path, $"no such model; {hint}");
        }

        ModelInfo info;
        try
        {
            info = ModelCatalog.Load(path, _kinds);
        }
        catch (InvalidDataException ex)
        {
            throw new CliException(path, ex.Message);
        }

        // The card is the folder's text, printed as is but for terminal control sequences.
        context.Environment.Out.Write(TerminalText.Block(File.ReadAllText(info.CardPath)));
        return ExitCodes.Success;
    }

    private static Table Table(IReadOnlyList<ModelInfo> models, bool redirected)
    {
        // ASCII borders in files and pipes keep the listing greppable and encoding-proof.
        var table = new Table { Border = redirected ? TableBorder.Ascii : TableBorder.Rounded };
        table.AddColumn("Name");
        table.AddColumn("Task");
        table.AddColumn("Architecture");
        table.AddColumn(new TableColumn("Params").RightAligned());
        table.AddColumn(new TableColumn("Size").RightAligned());
        table.AddColumn("Key metric");
        foreach (var m in models)
        {
            table.AddRow(
                Markup.Escape(TerminalText.Name(m.Name)), Cell(m.Task), Cell(m.Architecture),
                m.ParameterCount is { } n ? Count(n) : "-", Bytes(m.SizeBytes), Cell(m.KeyMetric ?? "-"));
        }

        return table;
    }

    // Every cell comes from the model folder: one safe line, then Spectre markup escaped.
    private static string Cell(string text) => Markup.Escape(TerminalText.Line(text));

    /// <summary>Parameter count with a k/M suffix, e.g. "1.25M".</summary>
    public static string Count(long n) => n switch
    {
        >= 1_000_000 => (n / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (n / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Size in decimal units, e.g. "4.2 MB".</summary>
    public static string Bytes(long n) => n switch
    {
        >= 1_000_000 => (n / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        >= 1_000 => (n / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " kB",
        _ => n.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
