"""Job control through runas: Ctrl-C reaches the command once, Ctrl-Z
stops the job and fg resumes it, terminal settings from the foreground stop
nothing, a command that stops itself stops runas; on a pty (the default),
with --no-pty in place (the shadow core: the command's own job control),
and with --no-pty with runas as the parent (the PAM core), where runas
follows the command's stops.
"""
import os
import signal
import unittest

from support.accounts import ROOT
from support.procfs import process_stat
from support.scopex_cases import ScopexTest


class JobControlTests(ScopexTest):
    """root runs a command as nobody on a terminal: on a pty of its own
    (the default); JobControlNoPtyTests repeats each with --no-pty."""
    accounts = ()
    options = []

    def job(self, args):
        t = self.box.job_on_terminal(ROOT, self.options + args)
        self.addCleanup(t.close)
        return t

    def test_ctrl_c_reaches_the_command_once(self):
        t = self.job(["-u", "nobody", "sh", "-c",
                      "n=0; trap 'n=$((n+1)); echo got INT $n' INT; echo ready; "
                      "i=0; while [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; echo end $n"])
        t.expect("ready")
        t.send("\x03")
        t.expect("got INT 1")
        t.expect("end 1")
        t.expect("JOBCTL exited status=0")

    def test_ctrl_z_stops_both_and_fg_resumes_both(self):
        t = self.job(["-u", "nobody", "sh", "-c",
                      "echo ready; read line; echo read:$line"])
        t.expect("ready")
        t.send("\x1a")
        t.expect("JOBCTL stopped sig=%d" % signal.SIGTSTP)
        t.send("\n")             # jobctl: continue the job
        t.send("hello\n")        # the command reads again
        t.expect("read:hello")
        t.expect("JOBCTL exited status=0")

    def test_terminal_settings_from_the_foreground_do_not_stop_anything(self):
        t = self.job(["-u", "nobody", "sh", "-c", "stty -echo; stty echo; echo stty-ok"])
        t.expect("stty-ok")
        t.expect("JOBCTL exited status=0 echo=on")

    def test_command_that_stops_itself_stops_runas(self):
        t = self.job(["-u", "nobody", "sh", "-c", "echo before; kill -STOP $$; echo after"])
        t.expect("before")
        t.expect("JOBCTL stopped sig=%d" % signal.SIGSTOP)
        t.send("\n")
        t.expect("after")
        t.expect("JOBCTL exited status=0")


class JobControlInPlaceTests(JobControlTests):
    """--no-pty with the shadow core: the command is exec'd in place, so
    job control is the command's own, with no runas in between."""
    options = ["--no-pty"]


class JobControlNoPtyTests(JobControlTests):
    """--no-pty with runas as the parent (PAM session): runas follows the
    command's stops."""
    options = ["--no-pty"]
    core = "pam"

    def test_sigtstp_sent_to_runas_stops_the_command_then_runas(self):
        # Without a pty runas shares the command's process group; a SIGTSTP
        # that another process sends to runas alone is passed on, and runas
        # stops after the command has (it never stops on its own first).
        t = self.job(["-u", "nobody", "sh", "-c", "echo ready; read line; echo read:$line"])
        t.expect("ready")
        runas = t.wait_for_process("runas")
        os.kill(runas, signal.SIGTSTP)
        t.expect("JOBCTL stopped sig=%d" % signal.SIGTSTP)
        states = [proc_state(pid) for pid in t.processes("sh")]
        self.assertEqual(states, ["T"], "the command is not stopped")
        t.send("\n")
        t.send("hello\n")
        t.expect("read:hello")
        t.expect("JOBCTL exited status=0")
        self.assertNotIn("JOBCTL stopped", t.output[t.output.index("read:hello"):])


def proc_state(pid):
    return process_stat(pid)[1][0]


if __name__ == "__main__":
    unittest.main()
