import pyawssfn as sfn


def count(text, what):
    return text.count(what)


@sfn.workflow
def wf(text):
    def vowels():
        result = count(text, "a")
        return result

    def spaces():
        result = count(text, " ")
        return result

    a, b, c = sfn.parallel(vowels, spaces, lambda: count(text, "e"))
    return a + b + c
