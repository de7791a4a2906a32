namespace Bounded.Analyzers.Tests;

/// <summary>Reads and sets properties of objects from assemblies the runtime tests compile (their types are not known here).</summary>
internal static class Reflected
{
    public static void Set(object instance, string property, object value) => instance.GetType().GetProperty(property)!.SetValue(instance, value);

    public static T Get<T>(object instance, string property) => (T)instance.GetType().GetProperty(property)!.GetValue(instance)!;
}
