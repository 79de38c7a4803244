using System.Collections;
using System.Reflection;
using Rnn.Core.Tests.Conformance;

namespace Rnn.Cuda.Check;

/// <summary>
/// A small reflection runner for the shared NUnit cases, for a machine with no .NET SDK (so no
/// `dotnet test`): it expands [Test], [TestCase], [TestCaseSource], [Values] and [Range] the way
/// NUnit does (combinatorial), runs [SetUp] before each case, and counts an AssertionException or
/// any other exception as a failure and Assert.Ignore as skipped.
/// </summary>
internal static class Runner
{
    public static (int Passed, int Failed, int Skipped) Run(IEnumerable<Type> fixtures, TextWriter log)
    {
        int passed = 0, failed = 0, skipped = 0;
        foreach (var type in fixtures)
        {
            var setUps = AllMethods(type).Where(m => m.IsDefined(typeof(SetUpAttribute), true)).ToList();
            foreach (var method in AllMethods(type).Where(IsTest).OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                foreach (var args in Cases(type, method))
                {
                    string name = $"{type.Name}.{method.Name}({string.Join(",", args.Select(a => a?.ToString()))})";
                    var instance = Activator.CreateInstance(type, nonPublic: true)!;
                    try
                    {
                        foreach (var s in setUps)
                        {
                            s.Invoke(instance, null);
                        }

                        method.Invoke(instance, args);
                        passed++;
                    }
                    catch (TargetInvocationException e)
                        when (e.InnerException is IgnoreException or InconclusiveException)
                    {
                        skipped++;
                        log.WriteLine($"SKIP {name}: {e.InnerException.Message}");
                    }
                    catch (TargetInvocationException e) when (e.InnerException is SuccessException)
                    {
                        passed++;
                    }
                    catch (TargetInvocationException e)
                    {
                        failed++;
                        log.WriteLine($"FAIL {name}: {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");
                    }
                }
            }
        }

        return (passed, failed, skipped);
    }

    private static IEnumerable<MethodInfo> AllMethods(Type type) =>
        type.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private static bool IsTest(MethodInfo m) =>
        m.IsDefined(typeof(TestAttribute), true) || m.IsDefined(typeof(TestCaseAttribute), true) ||
        m.IsDefined(typeof(TestCaseSourceAttribute), true);

    private static IEnumerable<object?[]> Cases(Type type, MethodInfo method)
    {
        var testCases = method.GetCustomAttributes<TestCaseAttribute>(true).ToList();
        if (testCases.Count > 0)
        {
            return testCases.Select(c => Convert(c.Arguments, method));
        }

        var source = method.GetCustomAttribute<TestCaseSourceAttribute>(true);
        if (source is not null)
        {
            // Sources are usually private statics of the abstract base that declares the test.
            var owner = method.DeclaringType!;
            const BindingFlags statics = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
            var member = owner.GetMethod(source.SourceName!, statics);
            var items = member is not null
                ? (IEnumerable)member.Invoke(null, null)!
                : (IEnumerable)owner.GetField(source.SourceName!, statics)!.GetValue(null)!;
            return items.Cast<object>().Select(i => i switch
            {
                TestCaseData d => Convert(d.Arguments, method),
                object[] a => Convert(a, method),
                _ => new[] { i },
            }).ToList();
        }

        // Combinatorial over [Values] / [Range] parameters (a parameterless [Test] gives one case).
        IEnumerable<object?[]> product = new[] { Array.Empty<object?>() };
        var wrapper = new NUnit.Framework.Internal.MethodWrapper(type, method);
        foreach (var p in method.GetParameters())
        {
            var values = ParameterValues(new NUnit.Framework.Internal.ParameterWrapper(wrapper, p), p).ToList();
            product = product.SelectMany(prefix => values.Select(v => prefix.Append(v).ToArray())).ToList();
        }

        return product;
    }

    private static IEnumerable<object?> ParameterValues(NUnit.Framework.Interfaces.IParameterInfo info, ParameterInfo p)
    {
        var range = p.GetCustomAttribute<RangeAttribute>();
        if (range is not null)
        {
            return range.GetData(info).Cast<object?>();
        }

        var values = p.GetCustomAttribute<ValuesAttribute>();
        if (values is not null && values.GetData(info) is IEnumerable data)
        {
            var list = data.Cast<object?>().ToList();
            if (list.Count > 0)
            {
                return list;
            }
        }

        if (p.ParameterType == typeof(bool))
        {
            return new object?[] { true, false };
        }

        if (p.ParameterType.IsEnum)
        {
            return Enum.GetValues(p.ParameterType).Cast<object?>();
        }

        throw new NotSupportedException($"parameter {p.Name} of {p.Member.Name} has no values the runner understands");
    }

    // NUnit converts attribute arguments to the parameter types (an int literal for a float, say).
    private static object?[] Convert(object?[] args, MethodInfo method)
    {
        var ps = method.GetParameters();
        var result = new object?[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            var t = ps[i].ParameterType;
            result[i] = args[i] is null || t.IsInstanceOfType(args[i])
                ? args[i]
                : System.Convert.ChangeType(args[i], t);
        }

        return result;
    }
}
