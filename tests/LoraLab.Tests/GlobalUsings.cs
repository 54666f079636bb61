global using Xunit;
global using LoraLab.Tests.Support;
