using System.Globalization;
using Pipelines.Video.Data;
using Pipelines.Video.Prediction;
using Rnn.Core;
using Rnn.Core.Losses;
using Rnn.Core.Optim;
using Rnn.Core.Serialization;
using Rnn.Core.Training;

namespace Pipelines.Video.Training;

/// <summary>
/// Trains a <see cref="ConvLstmPredictor"/> on Moving-MNIST generated on the fly with binary
/// cross-entropy on the predicted frames (as Shi et al. 2015), Adam, a warm-up then cosine
/// decay, gradient clipping, atomic checkpoints (a killed run resumes exactly) and, at every
/// epoch end, validation on fixed held-out sequences and the model directory written atomically.
/// </summary>
public static class PredictorTraining
{
    /// <summary>
    /// The kind recorded in this training's checkpoints (<see cref="TrainerOptions.RunKind"/>): a resume
    /// from another kind's checkpoint is refused with that kind named.
    /// </summary>
    public const string TrainingKind = "video-predict";

    /// <summary>Runs the training; the library prints nothing, <paramref name="progress"/> gets every report.</summary>
    /// <param name="options">What to train and where to write it.</param>
    /// <param name="progress">Step, epoch-end, checkpoint and resume reports.</param>
    /// <param name="cancellation">Stops between steps.</param>
    public static TrainingResult Run(PredictorTrainingOptions options, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        options.Validate();
        var images = MnistImages.Read(options.MnistImagesPath);
        var model = new ConvLstmPredictor(options.Model, new Rng(options.Seed));
        var batches = new MovingMnistBatches(MovingMnistSplits.Train(images, options.Sequences), options.BatchSize,
            options.BatchesPerEpoch, options.Model.ContextFrames, options.Seed);
        var validation = MovingMnistSplits.Validation(images, options.Sequences, options.ValidationSequences);

        long total = (long)options.Epochs * options.BatchesPerEpoch;
        long warmup = Math.Min(50, Math.Max(1, total / 10));
        var schedule = new WarmupSchedule(
            new CosineSchedule(options.LearningRate, total, options.LearningRate / 10), warmup, 0.1f);
        var adam = new Adam(model.NamedParameters(), options.LearningRate);
        var sampling = new Rng(options.Seed ^ 0x7EAC4E5UL);
        long decay = Math.Max(1, (long)(total * options.TeacherForcingFraction));
        var trainer = new Trainer<VideoBatch>(model, adam,
            b =>
            {
                // Scheduled sampling: the truth is read always at first, never after the decay.
                float p = Math.Max(0f, 1f - (float)adam.StepCount / decay);
                var teacher = options.TeacherForcingFraction > 0 ? new TeacherForcing(b.Future, p, sampling) : null;
                return BceWithLogitsLoss.Compute(model.Forward(b.Context, null, teacher), b.Future);
            },
            new TrainerOptions
            {
                Epochs = options.Epochs,
                Seed = options.Seed,
                Schedule = schedule,
                ClipGradientNorm = options.ClipGradientNorm,
                CheckpointDirectory = Path.Combine(options.OutputDirectory, "checkpoints"),
                CheckpointEverySteps = options.CheckpointEverySteps,
                Resume = options.Resume,
                RunSettings = RunSettings(options),
                RunKind = TrainingKind,
            });
        trainer.TrackRng("scheduled_sampling", sampling);
        trainer.Validator = _ =>
        {
            var metrics = Validate(model, validation);
            Directory.CreateDirectory(options.OutputDirectory);
            PredictorDirectory.Save(options.OutputDirectory, model);
            return metrics;
        };

        var result = trainer.Fit(batches, progress, cancellation);
        // Also after a resume that found every epoch done: the directory then matches the checkpoint.
        PredictorDirectory.Save(options.OutputDirectory, model);
        return result;
    }

    // The options that change what a resumed run would train on (sequences, batches, schedule)
    // and the model's shape (--hidden, --patch: compared before the weights, so a changed size is
    // named rather than shown as every weight's shape); recorded in each checkpoint and compared
    // on resume, named as `train video-predict` names them. Older checkpoints lack them and are not
    // compared.
    private static Dictionary<string, string> RunSettings(PredictorTrainingOptions o)
    {
        var settings = new Dictionary<string, string>
        {
            ["--hidden"] = string.Join(",", o.Model.Hidden),
            ["--patch"] = o.Model.Patch.ToString(CultureInfo.InvariantCulture),
            ["--seed"] = o.Seed.ToString(CultureInfo.InvariantCulture),
            ["--batch"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["--batches"] = o.BatchesPerEpoch.ToString(CultureInfo.InvariantCulture),
            ["--lr"] = o.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["--teacher-forcing"] = o.TeacherForcingFraction.ToString("R", CultureInfo.InvariantCulture),
        };
        if (o.DataFingerprint is { } data)
        {
            settings["the MNIST file's hash"] = data;
        }

        return settings;
    }

    /// <summary>Validation metrics by name: val_mse (summed per frame), val_mse_mean, val_ssim, baseline, ratio.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Validate(
        ConvLstmPredictor model, IReadOnlyList<float[]> sequences)
    {
        var (scores, baseline) = PredictionEvaluator.Evaluate(model, sequences);
        return new Dictionary<string, double>
        {
            ["val_mse"] = scores.MeanMseSum,
            ["val_mse_mean"] = scores.MeanMseMean,
            ["val_ssim"] = scores.MeanSsim,
            ["baseline_mse"] = baseline.MeanMseSum,
            ["ratio"] = scores.MeanMseSum / Math.Max(baseline.MeanMseSum, 1e-12),
        };
    }
}
